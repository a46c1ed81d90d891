/**
 * The server of `mlc serve`, for embedding too: `serve()` opens the engine, deploys a processes
 * folder, installs the model lifecycle and listens; `createServerApp()` is the same express app
 * without listening, and `createRouter()` / `engine.router()` the Camunda 7 REST API alone.
 */
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { Engine } from './runtime/engine.js';
import { describeDatabase, isPostgresUrl } from './store/open-store.js';
import { createServerApp } from './http/app.js';
import { loadAuthConfig, parseAuthMode, type AuthMode } from './http/auth.js';
import { createHttpServer, resolveServerTimeouts } from './http/server-timeouts.js';
import { OriginConfigError, originPolicy, splitList } from './http/origin-policy.js';
import { checkTrainers, installModelLifecycle, mlcRouter, type ModelLifecycle } from './mlc/index.js';
import { createEngineMetrics } from './observability/metrics.js';
import { createLogger } from './observability/logger.js';

export { createServerApp, type ServerApp, type ServerAppOptions } from './http/app.js';
export { createRouter, type CamundaRouter, type RouterOptions } from './http/router.js';
export { AuthConfigError, loadAuthConfig, parseAuthMode, type AuthMode, type AuthConfig } from './http/auth.js';
export { createEngineMetrics, type EngineMetrics, type EngineMetricsOptions } from './observability/metrics.js';
export { observabilityRouter } from './observability/router.js';
export { readinessOf, type Readiness, type HealthCheck } from './observability/health.js';
export { createLogger, LogConfigError, type LoggerOptions, type LogFormat } from './observability/logger.js';

export interface ServeOptions {
  port?: number;
  host?: string;
  db?: string;
  /** folder whose *.bpmn files are deployed at start (default ./processes) */
  processes?: string;
  auth?: AuthMode;
  authFile?: string;
  /** where model artifacts and data sets live (default: the database's folder) */
  dataDir?: string;
  /** seed a demo model and runtimes on first start (default true; env MLC_SEED_DEMO=false turns it off) */
  seedDemo?: boolean;
  /** default: MLC_LOG_LEVEL (info) and MLC_LOG_FORMAT (pretty on a terminal, json otherwise) */
  logger?: Logger;
  /** json or pretty (default MLC_LOG_FORMAT, else pretty on a terminal) */
  logFormat?: string;
  /** host names a no-auth server answers to besides localhost, 127.0.0.1, [::1] and --host (DNS rebinding) */
  allowedHosts?: string[];
  /** browser origins besides the server's own and Camunda Modeler's `file://` that may change state */
  allowedOrigins?: string[];
  /** time a client has to send a whole request (default 300000; 0 is not honoured) */
  requestTimeoutMs?: number;
  /** time a client has to send the headers (default 30000; 0 is not honoured) */
  headersTimeoutMs?: number;
  /** a JSON file of the training commands models may use: {"name": ["argv0", "arg", ...]} (env MLC_TRAINERS_FILE) */
  trainersFile?: string;
  /** topics left to remote external-task workers (no in-process handler), e.g. ['train'] (env MLC_SKIP_TOPICS) */
  skipTopics?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface RunningServer {
  engine: Engine;
  lifecycle: ModelLifecycle;
  server: Server;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
}

/** A setting that keeps the server from starting (bad port, public host without auth). */
export class ServeConfigError extends Error {}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Starts the engine and the HTTP server; resolves once it listens. */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const host = options.host ?? env.HOST ?? '127.0.0.1';
  const port = options.port ?? (env.PORT !== undefined && env.PORT !== '' ? Number(env.PORT) : 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServeConfigError(`Invalid port '${String(port)}'`);
  const mode = options.auth ?? parseAuthMode(env.MLC_AUTH);
  if (mode === 'none' && !isLoopback(host)) {
    throw new ServeConfigError(
      `Refusing to listen on ${host} without authentication: anyone who can reach it could deploy and run processes.\n` +
      `Use --auth basic (with MLC_AUTH_USERS="name:password" or --auth-file) or --auth bearer (MLC_AUTH_TOKENS), or bind to 127.0.0.1.`,
    );
  }
  // users and tokens stored in the database count too (checked once it is open)
  const auth = loadAuthConfig({ mode, file: options.authFile ?? env.MLC_AUTH_FILE, env, storedCredentials: true });
  const configuredHosts = options.allowedHosts ?? splitList(env.MLC_ALLOWED_HOSTS);
  const allowedHosts = [...configuredHosts, host];
  let origins;
  try {
    origins = originPolicy(options.allowedOrigins ?? splitList(env.MLC_ALLOWED_ORIGINS));
  } catch (error) {
    if (error instanceof OriginConfigError) throw new ServeConfigError(error.message);
    throw error;
  }
  const envMs = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : Number(value));
  const { timeouts, warnings } = resolveServerTimeouts({
    requestTimeoutMs: options.requestTimeoutMs ?? envMs(env.MLC_REQUEST_TIMEOUT_MS),
    headersTimeoutMs: options.headersTimeoutMs ?? envMs(env.MLC_HEADERS_TIMEOUT_MS),
  });
  const logger = options.logger ?? createLogger({ level: env.MLC_LOG_LEVEL, format: options.logFormat ?? env.MLC_LOG_FORMAT });
  const database = options.db ?? env.MLC_DB ?? './data/mlc.sqlite';
  const engine = await Engine.open({ database, logger });
  engine.on('deployed', (result: { deployment: { id: string; name: string }; definitions: Array<{ id: string }> | null }) => {
    logger.info({ deploymentId: result.deployment.id, name: result.deployment.name, definitions: result.definitions?.map((d) => d.id) }, 'deployed');
  });
  engine.on('instanceEnded', (effect: { instanceId: string; state: string }) => logger.debug(effect, 'instance ended'));
  let lifecycle: ModelLifecycle;
  try {
    await deployProcessFolder(engine, options.processes ?? './processes', logger);
    // the model registry, its built-in handlers and a demo model (handlers registered earlier by an embedder win)
    lifecycle = await installModelLifecycle(engine, {
      dataDir: options.dataDir ?? env.MLC_DATA_DIR ?? dirname(resolve(database === ':memory:' || isPostgresUrl(database) ? './data/x' : database)),
      seedDemo: options.seedDemo ?? env.MLC_SEED_DEMO !== 'false',
      deployProcesses: false, // deployed above from the processes folder
      webhookUrl: env.MLC_ALERT_WEBHOOK ?? null,
      trainers: await readTrainers(options.trainersFile ?? env.MLC_TRAINERS_FILE),
      skipTopics: options.skipTopics ?? splitList(env.MLC_SKIP_TOPICS),
      logger,
    });
  } catch (error) {
    await engine.close();
    throw error;
  }
  lifecycle.on('alert', (alert: { id?: string; modelId?: string; message?: string } | null) => logger.info({ alert: alert?.id, modelId: alert?.modelId }, alert?.message ?? 'model alert'));
  for (const warning of warnings) logger.warn(warning);
  const metrics = createEngineMetrics(engine, { lifecycle, defaultMetrics: true });
  // the Host check guards a no-auth server (always on loopback, see above) against DNS rebinding;
  // with auth on it runs only when names were configured
  const checkHost = mode === 'none' || configuredHosts.length > 0;
  let app;
  try {
    app = createServerApp(engine, { auth, logger, mlc: mlcRouter(lifecycle), metrics, allowedOrigins: origins, ...(checkHost ? { allowedHosts } : {}) });
  } catch (error) {
    await engine.close(); // e.g. auth on without any configured or stored credential
    throw error;
  }
  // the timeouts bound receiving a request only: long polls (fetchAndLock) still wait minutes for their answer
  const server = createHttpServer(app, timeouts);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen());
  }).catch(async (error: unknown) => {
    await lifecycle.close();
    await engine.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  logger.info({ url, database: describeDatabase(database), auth: mode }, 'mlc-engine listening');
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      app.closeRest();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      metrics.detach();
      await lifecycle.close(); // training workers, ONNX sessions
      await engine.close();
      logger.info('mlc-engine stopped');
    })();
    return closing;
  };
  return { engine, lifecycle, server, url, close };
}

/** The operator's training commands: the only ones a model's `metadata.trainer` can select. */
async function readTrainers(file: string | undefined): Promise<Record<string, string[]> | undefined> {
  if (!file) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ServeConfigError(`Cannot read the trainers file '${file}': ${(error as Error).message}`);
  }
  try {
    return checkTrainers(parsed) as Record<string, string[]>;
  } catch (error) {
    throw new ServeConfigError(`Invalid trainers file '${file}': ${(error as Error).message}`);
  }
}

/** Deploys every processes/*.bpmn, *.dmn and *.form (Camunda Forms linked by zeebe:formDefinition) in one deployment with duplicate filtering; an empty or missing folder is fine. */
export async function deployProcessFolder(engine: Engine, folder: string, logger?: Logger) {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => /\.(bpmn|dmn|form)$/i.test(n)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      logger?.info({ folder }, 'no processes folder: nothing to deploy at start');
      return null;
    }
    throw error;
  }
  if (names.length === 0) {
    logger?.info({ folder }, 'processes folder is empty: nothing to deploy at start');
    return null;
  }
  const resources = await Promise.all(names.map(async (name) => ({ name, content: await readFile(join(folder, name)) })));
  const result = await engine.deploy({ name: 'mlc-engine', source: 'mlc serve', resources, duplicateFiltering: true });
  logger?.info({ deploymentId: result.deployment.id, definitions: result.definitions?.map((d) => d.id) ?? 'unchanged' }, `deployed ${names.length} process file(s) from ${folder}`);
  return result;
}
