#!/usr/bin/env node
/**
 * `mlc serve | deploy <files> | start <key> | lint <files>`
 *
 * serve   runs the engine with the Camunda 7 REST API, the cockpit and the model registry (flags
 *         --port --host --db --processes --data-dir --auth --auth-file --allowed-hosts --allowed-origins
 *         --request-timeout-ms --headers-timeout-ms; env PORT, HOST, MLC_DB, MLC_AUTH, MLC_AUTH_USERS,
 *         MLC_AUTH_TOKENS, MLC_ALLOWED_HOSTS, MLC_ALLOWED_ORIGINS, MLC_REQUEST_TIMEOUT_MS, MLC_HEADERS_TIMEOUT_MS)
 * deploy  deploys BPMN files: to a running server with --url, else straight into --db
 * start   starts an instance of a process key (--business-key, --variables '{"a":1}')
 * lint    compiles BPMN files and prints problems as file:line:column (exit 1 on errors)
 */
import { realpathSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { Engine } from './runtime/engine.js';
import { compileBpmn } from './bpmn/index.js';
import { createServerApp } from './http/app.js';
import { AuthConfigError, loadAuthConfig, parseAuthMode, type AuthMode } from './http/auth.js';
import { toErrorResponse } from './http/errors.js';
import { createHttpServer, resolveServerTimeouts } from './http/server-timeouts.js';
import { OriginConfigError, originPolicy, splitList } from './http/origin-policy.js';
import { checkTrainers, installModelLifecycle, mlcRouter } from './mlc/index.js';

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
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface RunningServer {
  engine: Engine;
  server: Server;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
}

export class CliError extends Error {}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Starts the engine and the HTTP server; resolves once it listens. */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const host = options.host ?? env.HOST ?? '127.0.0.1';
  const port = options.port ?? (env.PORT !== undefined && env.PORT !== '' ? Number(env.PORT) : 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`Invalid port '${String(port)}'`);
  const mode = options.auth ?? parseAuthMode(env.MLC_AUTH);
  if (mode === 'none' && !isLoopback(host)) {
    throw new CliError(
      `Refusing to listen on ${host} without authentication: anyone who can reach it could deploy and run processes.\n` +
      `Use --auth basic (with MLC_AUTH_USERS="name:password" or --auth-file) or --auth bearer (MLC_AUTH_TOKENS), or bind to 127.0.0.1.`,
    );
  }
  const auth = loadAuthConfig({ mode, file: options.authFile ?? env.MLC_AUTH_FILE, env });
  const configuredHosts = options.allowedHosts ?? splitList(env.MLC_ALLOWED_HOSTS);
  const allowedHosts = [...configuredHosts, host];
  let origins;
  try {
    origins = originPolicy(options.allowedOrigins ?? splitList(env.MLC_ALLOWED_ORIGINS));
  } catch (error) {
    if (error instanceof OriginConfigError) throw new CliError(error.message);
    throw error;
  }
  const envMs = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : Number(value));
  const { timeouts, warnings } = resolveServerTimeouts({
    requestTimeoutMs: options.requestTimeoutMs ?? envMs(env.MLC_REQUEST_TIMEOUT_MS),
    headersTimeoutMs: options.headersTimeoutMs ?? envMs(env.MLC_HEADERS_TIMEOUT_MS),
  });
  const logger = options.logger ?? pino({ level: env.MLC_LOG_LEVEL ?? 'info' });
  const database = options.db ?? env.MLC_DB ?? './data/mlc.sqlite';
  const engine = await Engine.open({ database, logger });
  try {
    await deployProcessFolder(engine, options.processes ?? './processes', logger);
  } catch (error) {
    await engine.close();
    throw error;
  }
  let lifecycle;
  try {
    // the model registry, its built-in handlers and a demo model (handlers registered earlier by an embedder win)
    lifecycle = await installModelLifecycle(engine, {
      dataDir: options.dataDir ?? env.MLC_DATA_DIR ?? dirname(resolve(database === ':memory:' ? './data/x' : database)),
      seedDemo: options.seedDemo ?? env.MLC_SEED_DEMO !== 'false',
      deployProcesses: false, // deployed above from the processes folder
      webhookUrl: env.MLC_ALERT_WEBHOOK ?? null,
      trainers: await readTrainers(options.trainersFile ?? env.MLC_TRAINERS_FILE),
      logger,
    });
  } catch (error) {
    await engine.close();
    throw error;
  }
  for (const warning of warnings) logger.warn(warning);
  // the Host check guards a no-auth server (always on loopback, see above) against DNS rebinding;
  // with auth on it runs only when names were configured
  const checkHost = mode === 'none' || configuredHosts.length > 0;
  const app = createServerApp(engine, { auth, logger, mlc: mlcRouter(lifecycle), allowedOrigins: origins, ...(checkHost ? { allowedHosts } : {}) });
  // the timeouts bound receiving a request only: long polls (fetchAndLock) still wait minutes for their answer
  const server = createHttpServer(app, timeouts);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      app.closeRest();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      await engine.close();
    })();
    return closing;
  };
  return { engine, server, url, close };
}

/** The operator's training commands: the only ones a model's `metadata.trainer` can select. */
async function readTrainers(file: string | undefined): Promise<Record<string, string[]> | undefined> {
  if (!file) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`Cannot read the trainers file '${file}': ${(error as Error).message}`);
  }
  try {
    return checkTrainers(parsed) as Record<string, string[]>;
  } catch (error) {
    throw new CliError(`Invalid trainers file '${file}': ${(error as Error).message}`);
  }
}

/** Deploys every processes/*.bpmn and *.dmn in one deployment with duplicate filtering; an empty or missing folder is fine. */
export async function deployProcessFolder(engine: Engine, folder: string, logger?: Logger) {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => /\.(bpmn|dmn)$/i.test(n)).sort();
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

/** Compiles BPMN files and prints problems like a compiler; returns the number of errors. */
export async function lint(files: string[], out: (line: string) => void = console.log): Promise<number> {
  let errors = 0;
  for (const file of files) {
    let xml: string;
    try {
      xml = await readFile(file, 'utf8');
    } catch (error) {
      out(`${file}:0:0: error cannot read file: ${(error as Error).message}`);
      errors++;
      continue;
    }
    const result = await compileBpmn(xml);
    for (const p of result.errors) out(`${file}:${p.line ?? 0}:${p.column ?? 0}: error ${p.message}${p.elementId ? ` [${p.elementId}]` : ''}`);
    for (const p of result.warnings) out(`${file}:${p.line ?? 0}:${p.column ?? 0}: warning ${p.message}${p.elementId ? ` [${p.elementId}]` : ''}`);
    errors += result.errors.length;
  }
  out(errors === 0 ? `${files.length} file(s) checked, no errors` : `${errors} error(s) in ${files.length} file(s)`);
  return errors;
}

interface Parsed {
  positional: string[];
  flags: Map<string, string>;
}

const BOOLEAN_FLAGS = new Set(['help']);

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (eq !== -1) flags.set(name, arg.slice(eq + 1));
    else if (BOOLEAN_FLAGS.has(name)) flags.set(name, 'true');
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new CliError(`--${name} needs a value`);
      flags.set(name, value);
      i++;
    }
  }
  return { positional, flags };
}

const USAGE = `usage:
  mlc serve  [--port 8080] [--host 127.0.0.1] [--db ./data/mlc.sqlite] [--processes ./processes] [--auth none|basic|bearer] [--auth-file auth.json]
             [--allowed-hosts name,name] [--allowed-origins http://host:port,...] [--request-timeout-ms 300000] [--headers-timeout-ms 30000] [--trainers trainers.json]
  mlc deploy <file.bpmn ...> [--url http://127.0.0.1:8080/engine-rest | --db ./data/mlc.sqlite] [--name name]
  mlc start  <processKey> [--business-key key] [--variables '{"a": 1}'] [--url … | --db …]
  mlc lint   <file.bpmn ...>`;

/** Talks to a running server (the database file is locked by it). */
async function rest(url: string, path: string, init: RequestInit): Promise<unknown> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  const token = process.env.MLC_TOKEN;
  const user = process.env.MLC_USER;
  if (token) headers.set('authorization', `Bearer ${token}`);
  else if (user) headers.set('authorization', `Basic ${Buffer.from(user).toString('base64')}`);
  const response = await fetch(`${url.replace(/\/$/, '')}${path}`, { ...init, headers });
  const body = await response.json().catch(() => null) as { message?: string } | null;
  if (!response.ok) throw new CliError(`${response.status}: ${body?.message ?? response.statusText}`);
  return body;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest_] = argv;
  const { positional, flags } = parseArgs(rest_);
  const flag = (name: string) => flags.get(name);
  switch (command) {
    case 'serve': {
      const running = await serve({
        port: flag('port') === undefined ? undefined : Number(flag('port')),
        host: flag('host'),
        db: flag('db'),
        processes: flag('processes'),
        auth: flag('auth') === undefined ? undefined : parseAuthMode(flag('auth')),
        authFile: flag('auth-file'),
        dataDir: flag('data-dir'),
        allowedHosts: flag('allowed-hosts') === undefined ? undefined : splitList(flag('allowed-hosts')),
        allowedOrigins: flag('allowed-origins') === undefined ? undefined : splitList(flag('allowed-origins')),
        requestTimeoutMs: flag('request-timeout-ms') === undefined ? undefined : Number(flag('request-timeout-ms')),
        headersTimeoutMs: flag('headers-timeout-ms') === undefined ? undefined : Number(flag('headers-timeout-ms')),
        trainersFile: flag('trainers'),
      });
      console.log(`mlc-engine listening on ${running.url} (cockpit: ${running.url}/, REST API: ${running.url}/engine-rest)`);
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          running.engine.logger.info({ signal }, 'shutting down');
          void running.close().then(done, done);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      return 0;
    }
    case 'deploy': {
      if (positional.length === 0) throw new CliError('deploy needs at least one file');
      const name = flag('name') ?? 'mlc-cli';
      const url = flag('url') ?? process.env.MLC_URL;
      if (url) {
        const form = new FormData();
        form.append('deployment-name', name);
        form.append('deployment-source', 'mlc deploy');
        form.append('enable-duplicate-filtering', 'true');
        for (const file of positional) form.append(basename(file), new Blob([await readFile(file)], { type: 'text/xml' }), basename(file));
        const result = await rest(url, '/deployment/create', { method: 'POST', body: form }) as { id: string; deployedProcessDefinitions: Record<string, unknown> | null };
        console.log(`deployment ${result.id}: ${result.deployedProcessDefinitions ? Object.keys(result.deployedProcessDefinitions).join(', ') || 'no process definitions' : 'unchanged'}`);
        return 0;
      }
      const engine = await Engine.open({ database: flag('db') ?? process.env.MLC_DB ?? './data/mlc.sqlite' });
      try {
        const resources = await Promise.all(positional.map(async (file) => ({ name: basename(file), content: await readFile(resolve(file)) })));
        const result = await engine.deploy({ name, source: 'mlc deploy', resources, duplicateFiltering: true });
        console.log(`deployment ${result.deployment.id}: ${result.definitions ? result.definitions.map((d) => d.id).join(', ') || 'no process definitions' : 'unchanged'}`);
      } finally {
        await engine.close();
      }
      return 0;
    }
    case 'start': {
      const key = positional[0];
      if (!key) throw new CliError('start needs a process key');
      let variables: Record<string, unknown> = {};
      if (flag('variables')) {
        try {
          variables = JSON.parse(flag('variables')!) as Record<string, unknown>;
        } catch {
          throw new CliError('--variables must be a JSON object');
        }
      }
      const businessKey = flag('business-key') ?? null;
      const url = flag('url') ?? process.env.MLC_URL;
      if (url) {
        const typed = Object.fromEntries(Object.entries(variables).map(([n, v]) => [n, { value: typeof v === 'object' && v !== null ? JSON.stringify(v) : v, type: typeof v === 'object' && v !== null ? 'Json' : undefined }]));
        const result = await rest(url, `/process-definition/key/${encodeURIComponent(key)}/start`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ businessKey, variables: typed }),
        }) as { id: string };
        console.log(`started ${result.id}`);
        return 0;
      }
      const engine = await Engine.open({ database: flag('db') ?? process.env.MLC_DB ?? './data/mlc.sqlite' });
      try {
        const instance = await engine.start(key, { businessKey, variables });
        console.log(`started ${instance.id} (${instance.state})`);
      } finally {
        await engine.close();
      }
      return 0;
    }
    case 'lint': {
      if (positional.length === 0) throw new CliError('lint needs at least one file');
      return (await lint(positional)) > 0 ? 1 : 0;
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return command === undefined ? 1 : 0;
    default:
      throw new CliError(`Unknown command '${command}'\n${USAGE}`);
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(resolve(script))).href;
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof CliError || error instanceof AuthConfigError) console.error(`mlc: ${error.message}`);
      else {
        const { body, unexpected } = toErrorResponse(error);
        console.error(`mlc: ${unexpected && error instanceof Error ? error.message : body.message}`);
      }
      process.exit(1);
    },
  );
}
