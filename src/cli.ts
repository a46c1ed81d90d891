#!/usr/bin/env node
/**
 * `mlc serve | deploy <files> | start <key> | lint <files>`; `mlc --help`, `mlc <command> --help`.
 * Installed as the `mlc` bin of the package (compiled to dist/cli.js).
 */
import { readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Engine } from './runtime/engine.js';
import { AuthConfigError, parseAuthMode } from './http/auth.js';
import { splitList } from './http/origin-policy.js';
import { toErrorResponse } from './http/errors.js';
import { serve, ServeConfigError } from './server.js';
import { LogConfigError, createLogger } from './observability/logger.js';
import { parseArgs, restBaseUrl, UsageError, type FlagSpec } from './cli/args.js';
import { lint, type BpmnlintConfig } from './cli/lint.js';
import { identityCommand, IdentityCliError } from './cli/identity.js';

export { serve, isLoopback, deployProcessFolder, type ServeOptions, type RunningServer } from './server.js';
export { lint, lintXml, platformConfig, type LintFinding } from './cli/lint.js';
export { restBaseUrl } from './cli/args.js';

/** A command that cannot run as asked; printed as `mlc: <message>` with exit code 1. */
export class CliError extends Error {}

interface CommandSpec {
  summary: string;
  usage: string;
  /** flag → its line in the help */
  flags: Record<string, FlagSpec & { help: string }>;
  /** extra help text: environment variables, examples */
  more?: string;
}

const TARGET_FLAGS = {
  url: { help: 'a running server: its root (http://127.0.0.1:8080) or its REST base (…/engine-rest); env MLC_URL' },
  db: { help: 'no server: write straight into this SQLite file or postgres:// URL (default ./data/mlc.sqlite; env MLC_DB). Not while a server has the SQLite file open' },
};
const TARGET_ENV = 'Credentials for --url: MLC_TOKEN (bearer) or MLC_USER="name:password" (basic).';

const COMMANDS = {
  serve: {
    summary: 'run the engine: cockpit, Camunda 7 REST API, /mlc model registry, /metrics, /health',
    usage: 'mlc serve [flags]',
    flags: {
      port: { help: 'port to listen on (default 8080; env PORT; 0 picks a free one)' },
      host: { help: 'address to bind (default 127.0.0.1; env HOST). Beyond loopback needs --auth' },
      db: { help: 'SQLite file, created if missing, or a postgres://user@host/db URL (several servers may share it) (default ./data/mlc.sqlite; env MLC_DB)' },
      processes: { help: 'folder whose *.bpmn and *.dmn files are deployed at start (default ./processes)' },
      'data-dir': { help: 'model artifacts and data sets (default: the database\'s folder; env MLC_DATA_DIR)' },
      auth: { help: 'none | basic | bearer (default none; env MLC_AUTH)' },
      'auth-file': { help: 'JSON file with users/tokens (env MLC_AUTH_FILE)' },
      'log-level': { help: 'fatal | error | warn | info | debug | trace | silent (default info; env MLC_LOG_LEVEL). Requests are logged at debug' },
      'log-format': { help: 'pretty | json (default pretty on a terminal, json otherwise; env MLC_LOG_FORMAT)' },
      'allowed-hosts': { help: 'comma-separated host names the server answers to besides localhost and --host (DNS rebinding check; env MLC_ALLOWED_HOSTS)' },
      'allowed-origins': { help: 'comma-separated browser origins besides the server\'s own and Camunda Modeler\'s that may change state (env MLC_ALLOWED_ORIGINS)' },
      'request-timeout-ms': { help: 'time a client has to send a whole request (default 300000; env MLC_REQUEST_TIMEOUT_MS)' },
      'headers-timeout-ms': { help: 'time a client has to send the headers (default 30000; env MLC_HEADERS_TIMEOUT_MS)' },
      trainers: { help: 'JSON file of the training commands models may select: {"name": ["argv0", "arg"]} (env MLC_TRAINERS_FILE)' },
      'skip-topics': { help: 'comma-separated topics left to remote external-task workers, e.g. train (env MLC_SKIP_TOPICS)' },
    },
    more: [
      'Environment: MLC_AUTH_USERS="alice:secret,bob:pw" (basic), MLC_AUTH_TOKENS="t1,t2" (bearer),',
      '  MLC_SEED_DEMO=false (no demo model and runtimes on first start), MLC_ALERT_WEBHOOK=<url> (alerts are POSTed there).',
      'Stops gracefully on SIGTERM and SIGINT.',
    ].join('\n'),
  },
  deploy: {
    summary: 'deploy BPMN and DMN files (a changed file becomes a new version, an unchanged one is skipped)',
    usage: 'mlc deploy <file.bpmn|file.dmn ...> [--url URL | --db FILE] [--name NAME]',
    flags: { ...TARGET_FLAGS, name: { help: 'deployment name (default mlc-cli)' } },
    more: TARGET_ENV,
  },
  start: {
    summary: 'start an instance of the latest version of a process',
    usage: 'mlc start <processKey> [--business-key KEY] [--variables JSON] [--url URL | --db FILE]',
    flags: {
      ...TARGET_FLAGS,
      'business-key': { help: 'the business key of the instance' },
      variables: { help: 'a JSON object, e.g. \'{"modelId": "fraud", "threshold": 0.8}\'' },
    },
    more: TARGET_ENV,
  },
  lint: {
    summary: 'check BPMN files: the engine\'s compiler (errors = what deploy refuses) and bpmnlint with Camunda\'s rules (warnings)',
    usage: 'mlc lint <file.bpmn ...> [--strict] [--config .bpmnlintrc]',
    flags: {
      strict: { boolean: true, help: 'bpmnlint errors fail too (Camunda Modeler\'s strictness, stricter than deploy)' },
      config: { help: 'a bpmnlint configuration file instead of bpmnlint:recommended + camunda-compat for the diagram\'s platform' },
    },
    more: 'Prints file:line:column: severity message [element rule]; exit code 1 when there are errors.',
  },
  user: {
    summary: 'manage users (passwords hashed with scrypt): add, list, delete, token',
    usage: 'mlc user add <id> [--password-stdin | --password PW] [--first-name F] [--last-name L] [--email E] | list | delete <id> | token <id>  [--db FILE | --url URL]',
    flags: {
      ...TARGET_FLAGS,
      'password-stdin': { boolean: true, help: 'read the password from the first line of standard input' },
      password: { help: 'the password (visible in the shell history: prefer --password-stdin)' },
      'first-name': { help: 'first name' },
      'last-name': { help: 'last name' },
      email: { help: 'e-mail address' },
    },
    more: `token prints a new API token bound to the user, once (--db only). ${TARGET_ENV} Through --url the caller must be in camunda-admin.`,
  },
  group: {
    summary: 'manage groups and memberships: add, list, delete, member',
    usage: 'mlc group add <id> [--name N] [--type T] | list | delete <id> | member <group> <user> [--remove]  [--db FILE | --url URL]',
    flags: {
      ...TARGET_FLAGS,
      name: { help: 'group name' },
      type: { help: 'group type (e.g. WORKFLOW, SYSTEM)' },
      remove: { boolean: true, help: 'with member: take the user out of the group' },
    },
    more: `${TARGET_ENV} Members of camunda-admin may manage identities and reassign tasks.`,
  },
} satisfies Record<string, CommandSpec>;

type CommandName = keyof typeof COMMANDS;

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: mlc <command> [flags]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`),
    '',
    'mlc <command> --help shows the flags of a command; mlc --version the version.',
  ].join('\n');
}

export function commandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const flags = Object.entries(spec.flags);
  const width = Math.max(0, ...flags.map(([flag, f]) => flag.length + (f.boolean ? 0 : 6)));
  return [
    `usage: ${spec.usage}`,
    '',
    spec.summary,
    ...(flags.length ? ['', 'flags:', ...flags.map(([flag, f]) => `  --${(f.boolean ? flag : `${flag} VALUE`).padEnd(width)}  ${f.help}`)] : []),
    `  --${'help'.padEnd(width)}  this text`,
    ...(spec.more ? ['', spec.more] : []),
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string };
  return pkg.version;
}

/** Talks to a running server (the database file is locked by it). */
async function rest(base: string, path: string, init: RequestInit): Promise<unknown> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  const token = process.env.MLC_TOKEN;
  const user = process.env.MLC_USER;
  if (token) headers.set('authorization', `Bearer ${token}`);
  else if (user) headers.set('authorization', `Basic ${Buffer.from(user).toString('base64')}`);
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, { ...init, headers });
  } catch (error) {
    throw new CliError(`cannot reach ${base}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
  }
  const body = await response.json().catch(() => null) as { message?: string } | null;
  if (!response.ok) throw new CliError(`${response.status} from ${base}${path}: ${body?.message ?? response.statusText}`);
  return body;
}

function parseVariables(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--variables must be a JSON object: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('--variables must be a JSON object, e.g. \'{"a": 1}\'');
  return value as Record<string, unknown>;
}

/** Camunda's typed variables for the REST API: objects and arrays as Json, the rest by JSON type. */
function typedVariables(variables: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(variables).map(([name, v]) => [name,
    typeof v === 'object' && v !== null ? { value: JSON.stringify(v), type: 'Json' } : { value: v }]));
}

async function runServe(flags: Map<string, string>): Promise<number> {
  const port = flags.get('port');
  const env = { ...process.env };
  if (flags.has('log-level')) env.MLC_LOG_LEVEL = flags.get('log-level');
  const logger = createLogger({ level: env.MLC_LOG_LEVEL, format: flags.get('log-format') ?? env.MLC_LOG_FORMAT });
  const running = await serve({
    port: port === undefined ? undefined : Number(port),
    host: flags.get('host'),
    db: flags.get('db'),
    processes: flags.get('processes'),
    auth: flags.has('auth') ? parseAuthMode(flags.get('auth')) : undefined,
    authFile: flags.get('auth-file'),
    dataDir: flags.get('data-dir'),
    allowedHosts: flags.has('allowed-hosts') ? splitList(flags.get('allowed-hosts')) : undefined,
    allowedOrigins: flags.has('allowed-origins') ? splitList(flags.get('allowed-origins')) : undefined,
    requestTimeoutMs: flags.has('request-timeout-ms') ? Number(flags.get('request-timeout-ms')) : undefined,
    headersTimeoutMs: flags.has('headers-timeout-ms') ? Number(flags.get('headers-timeout-ms')) : undefined,
    trainersFile: flags.get('trainers'),
    skipTopics: flags.has('skip-topics') ? splitList(flags.get('skip-topics')) : undefined,
    logger,
    env,
  });
  console.log(`mlc-engine listening on ${running.url} (cockpit: ${running.url}/, REST API: ${running.url}/engine-rest, metrics: ${running.url}/metrics)`);
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      void running.close().then(done, done);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

async function runDeploy(files: string[], flags: Map<string, string>): Promise<number> {
  if (files.length === 0) throw new UsageError('deploy needs at least one file');
  const name = flags.get('name') ?? 'mlc-cli';
  const url = flags.get('url') ?? process.env.MLC_URL;
  const contents = await Promise.all(files.map(async (file) => {
    try {
      return { name: basename(file), content: await readFile(resolve(file)) };
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
    }
  }));
  if (url) {
    const form = new FormData();
    form.append('deployment-name', name);
    form.append('deployment-source', 'mlc deploy');
    form.append('enable-duplicate-filtering', 'true');
    for (const { name: fileName, content } of contents) form.append(fileName, new Blob([content], { type: 'text/xml' }), fileName);
    const result = await rest(restBaseUrl(url), '/deployment/create', { method: 'POST', body: form }) as { id: string; deployedProcessDefinitions: Record<string, unknown> | null };
    console.log(`deployment ${result.id}: ${result.deployedProcessDefinitions ? Object.keys(result.deployedProcessDefinitions).join(', ') || 'no process definitions' : 'unchanged'}`);
    return 0;
  }
  const engine = await Engine.open({ database: flags.get('db') ?? process.env.MLC_DB ?? './data/mlc.sqlite' });
  try {
    const result = await engine.deploy({ name, source: 'mlc deploy', resources: contents, duplicateFiltering: true });
    console.log(`deployment ${result.deployment.id}: ${result.definitions ? result.definitions.map((d) => d.id).join(', ') || 'no process definitions' : 'unchanged'}`);
  } finally {
    await engine.close();
  }
  return 0;
}

async function runStart(positional: string[], flags: Map<string, string>): Promise<number> {
  const key = positional[0];
  if (!key) throw new UsageError('start needs a process key');
  if (positional.length > 1) throw new UsageError(`start takes one process key, got ${positional.length} arguments`);
  const variables = parseVariables(flags.get('variables'));
  const businessKey = flags.get('business-key') ?? null;
  const url = flags.get('url') ?? process.env.MLC_URL;
  if (url) {
    const result = await rest(restBaseUrl(url), `/process-definition/key/${encodeURIComponent(key)}/start`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ businessKey, variables: typedVariables(variables) }),
    }) as { id: string; ended?: boolean };
    console.log(`started ${result.id}${result.ended ? ' (ended)' : ''}`);
    return 0;
  }
  const engine = await Engine.open({ database: flags.get('db') ?? process.env.MLC_DB ?? './data/mlc.sqlite' });
  try {
    const instance = await engine.start(key, { businessKey, variables });
    console.log(`started ${instance.id} (${instance.state})`);
  } finally {
    await engine.close();
  }
  return 0;
}

async function runLint(files: string[], flags: Map<string, string>): Promise<number> {
  if (files.length === 0) throw new UsageError('lint needs at least one file');
  let config: BpmnlintConfig | undefined;
  const configFile = flags.get('config');
  if (configFile !== undefined) {
    try {
      config = JSON.parse(await readFile(configFile, 'utf8')) as BpmnlintConfig;
    } catch (error) {
      throw new CliError(`cannot read the bpmnlint configuration ${configFile}: ${(error as Error).message}`);
    }
  }
  return (await lint(files, console.log, { strict: flags.has('strict'), config })) > 0 ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = rest[0];
    if (command === 'help' && topic !== undefined) {
      if (!isCommand(topic)) throw new UsageError(`Unknown command '${topic}'`);
      console.log(commandHelp(topic));
      return 0;
    }
    console.log(usage());
    return command === undefined ? 1 : 0;
  }
  if (command === '--version' || command === '-v') {
    console.log(version());
    return 0;
  }
  if (!isCommand(command)) throw new UsageError(`Unknown command '${command}'`);
  const { positional, flags } = parseArgs(rest, COMMANDS[command].flags);
  if (flags.has('help')) {
    console.log(commandHelp(command));
    return 0;
  }
  switch (command) {
    case 'serve':
      if (positional.length > 0) throw new UsageError(`serve takes no arguments, got '${positional[0]}'`);
      return runServe(flags);
    case 'deploy':
      return runDeploy(positional, flags);
    case 'start':
      return runStart(positional, flags);
    case 'lint':
      return runLint(positional, flags);
    case 'user':
    case 'group':
      return identityCommand(command, { positional, flag: (name) => flags.get(name) });
  }
}

/** The message a failure prints (never a stack trace: those go to the logs at debug). */
export function describeFailure(error: unknown): string {
  if (error instanceof UsageError) return `${error.message}\n${'run mlc --help for the commands and mlc <command> --help for their flags'}`;
  if (error instanceof CliError || error instanceof AuthConfigError || error instanceof ServeConfigError || error instanceof LogConfigError || error instanceof IdentityCliError) return error.message;
  const { body, unexpected } = toErrorResponse(error);
  return unexpected && error instanceof Error ? error.message : body.message;
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
      console.error(`mlc: ${describeFailure(error)}`);
      process.exit(1);
    },
  );
}
