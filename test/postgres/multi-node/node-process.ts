/**
 * One engine node as its own OS process, for the multi-node tests: opens the engine on a shared
 * database, runs in-process handlers that log every call, optionally serves the REST API, and
 * takes commands from the test on stdin (one JSON object a line).
 *
 *   node --import tsx test/postgres/multi-node/node-process.ts   (configured by MN_* env, below)
 *
 * MN_NAME          node name written into every log line (default: the pid)
 * MN_DB            the database URL (postgres://…?schema=x), passed to Engine.open
 * MN_CALL_LOG      the call log: one line per handler call, appended synchronously, so it survives kill -9
 * MN_ENGINE_LOG    where the engine's own pino log goes (JSON lines, written synchronously)
 * MN_LOG_LEVEL     the engine log's level (default warn)
 * MN_OPTIONS       JSON merged into the EngineOptions (lock duration, heartbeat interval, …)
 * MN_DEPLOY        comma-separated .bpmn files deployed once the engine is open
 * MN_HANDLE        comma-separated topics handled in-process from the start
 * MN_HANDLER_DELAY ms each handler call takes (default 0); an instance variable `handlerDelayMs`
 *                  wins: a number, or {"<node name>": ms} for one node only
 * MN_HTTP          "1": serve the REST API on 127.0.0.1, port 0
 *
 * stdout, one JSON object a line: {"event":"ready","pid":…,"port":…} once open (and listening),
 * then one {"reply":<id>,…} per command. Commands on stdin:
 *   {"id":1,"cmd":"start","key":"K","count":N,"prefix":"p","variables":{…}}  starts N instances
 *   {"id":2,"cmd":"handle","topic":"t","delayMs":0}                           registers a handler
 *   {"id":3,"cmd":"close"}                                                    engine.close(), then exit
 * SIGTERM closes the engine and exits 0.
 *
 * Call log lines (space separated): `call <jobId> <instanceId> <topic> <idempotencyKey> <attempt> <node> <pid> <ms>`
 * before the handler works, `done <jobId> <node> <pid> <ms>` when it returns (the engine then commits
 * the completion), `started <instanceId> <node> <pid>` after a start committed. <ms> is Date.now().
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { Engine, type EngineOptions, type JobContext } from '../../../src/index.js';
import { createServerApp, type ServerApp } from '../../../src/http/app.js';

const env = process.env;
const name = env.MN_NAME ?? String(process.pid);
const database = env.MN_DB;
const callLog = env.MN_CALL_LOG;
if (!database || !callLog) {
  console.error('node-process: MN_DB and MN_CALL_LOG are required');
  process.exit(2);
}
const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const defaultDelay = Number(env.MN_HANDLER_DELAY ?? 0);

const logger = env.MN_ENGINE_LOG
  ? pino({ level: env.MN_LOG_LEVEL ?? 'warn', base: { node: name, pid: process.pid } }, pino.destination({ dest: env.MN_ENGINE_LOG, sync: true }))
  : pino({ level: 'silent' });

const extra = env.MN_OPTIONS ? (JSON.parse(env.MN_OPTIONS) as Partial<EngineOptions>) : {};
const engine = await Engine.open({ database, logger, retryBackoff: { initial: 10, max: 200 }, ...extra });

const log = (line: string) => appendFileSync(callLog, `${line}\n`);
const reply = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

function handle(topic: string, delayMs: number): void {
  engine.handle(topic, async (job: JobContext) => {
    log(`call ${job.jobId} ${job.instance.id} ${topic} ${job.idempotencyKey} ${job.attempt} ${name} ${process.pid} ${Date.now()}`);
    // per instance: a number for every node, or {"<node>": ms} to stall one node only
    const own = job.variables.handlerDelayMs;
    const mine = typeof own === 'object' && own !== null ? (own as Record<string, unknown>)[name] : own;
    const delay = typeof mine === 'number' ? mine : delayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    log(`done ${job.jobId} ${name} ${process.pid} ${Date.now()}`);
    return { variables: { [`${topic}DoneBy`]: name } };
  });
}

for (const file of list(env.MN_DEPLOY)) {
  await engine.deploy({ name: `multi-node-${basename(file)}`, resources: [{ name: basename(file), content: readFileSync(file, 'utf8') }] });
}
for (const topic of list(env.MN_HANDLE)) handle(topic, defaultDelay);

let app: ServerApp | undefined;
let server: Server | undefined;
if (env.MN_HTTP === '1') {
  app = createServerApp(engine, { requestLogs: false });
  server = await new Promise<Server>((resolve) => {
    const s = app!.listen(0, '127.0.0.1', () => resolve(s));
  });
  server.requestTimeout = 0;
}

/** Starts `count` instances, 50 at a time so the engine group-commits them; logs each committed start. */
async function startInstances(key: string, count: number, prefix: string, variables: Record<string, unknown> | undefined): Promise<number> {
  let started = 0;
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) =>
      engine.start(key, { businessKey: `${prefix}${i + k}`, ...(variables ? { variables } : {}) })));
    appendFileSync(callLog!, batch.map((instance) => `started ${instance.id} ${name} ${process.pid}\n`).join(''));
    started += batch.length;
  }
  return started;
}

let closing: Promise<void> | undefined;
function shutdown(code: number): Promise<void> {
  closing ??= (async () => {
    app?.closeRest();
    if (server) {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        server!.closeAllConnections();
      });
    }
    await engine.close();
    process.exit(code);
  })();
  return closing;
}
process.once('SIGTERM', () => void shutdown(0));

interface Command {
  id: number;
  cmd: 'start' | 'handle' | 'close';
  key?: string;
  count?: number;
  prefix?: string;
  variables?: Record<string, unknown>;
  topic?: string;
  delayMs?: number;
}

async function run(command: Command): Promise<Record<string, unknown>> {
  switch (command.cmd) {
    case 'start':
      return { started: await startInstances(command.key!, command.count ?? 1, command.prefix ?? `${name}-`, command.variables) };
    case 'handle':
      handle(command.topic!, command.delayMs ?? defaultDelay);
      return {};
    case 'close':
      reply({ reply: command.id, ok: true });
      await shutdown(0);
      return {};
  }
}

// the test holds the other end of stdin: when it goes away, so does this node (no orphans)
const commands = createInterface({ input: process.stdin });
commands.on('close', () => void shutdown(0));
commands.on('line', (line) => {
  if (line.trim() === '') return;
  const command = JSON.parse(line) as Command;
  run(command).then(
    (result) => reply({ reply: command.id, ok: true, ...result }),
    (error: unknown) => reply({ reply: command.id, ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
});

reply({ event: 'ready', name, pid: process.pid, engineId: engine.id, port: server ? (server.address() as AddressInfo).port : null });
