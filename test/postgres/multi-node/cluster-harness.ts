/**
 * A throwaway PostgreSQL cluster plus engine nodes as separate OS processes (node-process.ts),
 * for the multi-node tests: spawn nodes, send them commands, kill -9 / SIGSTOP / SIGCONT them,
 * read their call logs, and wait for conditions by polling the database (async `pg`, bounded).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { startThrowawayCluster, type ThrowawayCluster } from '../throwaway-cluster.js';

export const BPMN_FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'bpmn');
export const MULTI_NODE_FIXTURES = join(import.meta.dirname, 'fixtures');
const NODE_SCRIPT = join(import.meta.dirname, 'node-process.ts');

export interface NodeSpec {
  name: string;
  /** .bpmn files this node deploys once open (deploy from one node, before the others start) */
  deploy?: string[];
  /** topics handled in-process from the start */
  handle?: string[];
  /** ms each handler call takes (an instance variable `handlerDelayMs` wins) */
  handlerDelayMs?: number;
  /** serve the REST API on 127.0.0.1:0 */
  http?: boolean;
  /** merged into the node's EngineOptions (JSON) */
  options?: Record<string, unknown>;
  /** the engine log's level (default warn) */
  logLevel?: string;
}

/** One line of the shared call log. */
export type CallLogLine =
  | { kind: 'call'; jobId: string; instanceId: string; topic: string; key: string; attempt: number; node: string; pid: number; at: number }
  | { kind: 'done'; jobId: string; node: string; pid: number; at: number }
  | { kind: 'started'; instanceId: string; node: string; pid: number };

export interface Reply {
  reply: number;
  ok: boolean;
  error?: string;
  [key: string]: unknown;
}

/**
 * Polls `check` every `intervalMs` until it returns a truthy value; throws after `timeoutMs`, with
 * what `describe` says about the state then (e.g. the cluster's progress).
 */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs: number, intervalMs = 100, describe?: () => Promise<string>): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) {
      const state = describe ? await describe().catch((error: unknown) => `(state unknown: ${String(error)})`) : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export class NodeProcess {
  readonly pid: number;
  readonly engineLogPath: string;
  port: number | null = null;
  engineId = '';
  /** resolves with the exit code (or the signal's name) once the process is gone */
  readonly exited: Promise<number | string>;
  private exitedWith: number | string | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private readonly stderr: string[] = [];

  constructor(readonly name: string, private readonly child: ChildProcess, engineLogPath: string) {
    this.pid = child.pid!;
    this.engineLogPath = engineLogPath;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.exitedWith = code ?? signal ?? 'unknown';
      for (const answer of this.pending.values()) answer({ reply: -1, ok: false, error: `node ${name} exited (${this.exitedWith})` });
      this.pending.clear();
      resolve(this.exitedWith);
    }));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr.push(chunk.toString());
      if (this.stderr.length > 200) this.stderr.shift();
    });
  }

  /** Resolves once the node printed its ready line (engine open, fixtures deployed, listening). */
  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`node ${this.name} not ready after ${timeoutMs} ms: ${this.stderrText()}`)), timeoutMs);
      void this.exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`node ${this.name} exited (${how}) before it was ready: ${this.stderrText()}`));
      });
      createInterface({ input: this.child.stdout! }).on('line', (line) => {
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return; // something else printed on stdout
        }
        if (message.event === 'ready') {
          this.port = (message.port as number | null) ?? null;
          this.engineId = String(message.engineId);
          clearTimeout(timer);
          resolve();
        } else if (typeof message.reply === 'number') {
          this.pending.get(message.reply)?.(message as Reply);
          this.pending.delete(message.reply);
        }
      });
    });
  }

  /** The node's REST base, e.g. http://127.0.0.1:PORT/engine-rest */
  get base(): string {
    if (this.port === null) throw new Error(`node ${this.name} serves no HTTP`);
    return `http://127.0.0.1:${this.port}/engine-rest`;
  }

  get alive(): boolean {
    return this.exitedWith === undefined;
  }

  /** Sends a command on stdin and resolves with the node's reply (rejects on `ok: false` or after `timeoutMs`). */
  async send(command: Record<string, unknown>, timeoutMs = 180_000): Promise<Reply> {
    if (!this.alive) throw new Error(`node ${this.name} is gone`);
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    const reply = await new Promise<Reply>((resolve) => {
      this.pending.set(id, resolve);
      timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ reply: id, ok: false, error: `no reply to ${JSON.stringify(command)} within ${timeoutMs} ms` });
      }, timeoutMs);
      this.child.stdin!.write(`${JSON.stringify({ ...command, id })}\n`);
    });
    clearTimeout(timer);
    if (!reply.ok) throw new Error(`node ${this.name}: ${reply.error}`);
    return reply;
  }

  /** Starts `count` instances of `key` on this node (business keys `prefix0…`). */
  async start(key: string, count: number, prefix: string, variables?: Record<string, unknown>): Promise<number> {
    return (await this.send({ cmd: 'start', key, count, prefix, variables })).started as number;
  }

  async handle(topic: string, delayMs = 0): Promise<void> {
    await this.send({ cmd: 'handle', topic, delayMs });
  }

  kill9(): Promise<number | string> {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exited;
  }

  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** SIGTERM: the node closes its engine and exits; SIGKILL after `graceMs`. */
  async terminate(graceMs = 10_000): Promise<number | string> {
    if (!this.alive) return this.exited;
    this.child.kill('SIGCONT'); // a paused node cannot handle SIGTERM
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const how = await this.exited;
    clearTimeout(timer);
    return how;
  }

  /** The engine's own log (pino JSON lines). */
  engineLog(): Array<Record<string, unknown>> {
    if (!existsSync(this.engineLogPath)) return [];
    return readFileSync(this.engineLogPath, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  stderrText(): string {
    return this.stderr.join('').slice(-4000);
  }
}

export interface MultiNodeCluster {
  pg: ThrowawayCluster;
  /** the URL every node opens: the cluster's database with this test's schema */
  databaseUrl: string;
  schema: string;
  /** folder of the logs */
  dir: string;
  callLogPath: string;
  nodes: NodeProcess[];
  /** spawns a node and waits until it is ready */
  spawn(spec: NodeSpec): Promise<NodeProcess>;
  /** runs a query on the shared database (the test's schema) */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** a single number from a `SELECT count(*)…`-style query */
  scalar(sql: string, params?: unknown[]): Promise<number>;
  calls(): CallLogLine[];
  /** stops every node (SIGTERM, then SIGKILL), the database client and the PostgreSQL cluster */
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL and a `pg` client on it; nodes are spawned with `spawn()`. `schema` keeps the
 * engine's tables apart (the engine creates it on open).
 */
export async function startMultiNodeCluster(schema = 'multinode'): Promise<MultiNodeCluster> {
  const cluster = startThrowawayCluster();
  const dir = mkdtempSync(join(tmpdir(), 'mlc-multinode-'));
  const callLogPath = join(dir, 'calls.log');
  writeFileSync(callLogPath, '');
  const databaseUrl = `${cluster.url}?schema=${schema}`;
  const client = new pg.Client({ connectionString: cluster.url });
  try {
    await client.connect();
    // the schema may not exist yet; search_path resolves names per statement
    await client.query(`SET search_path TO "${schema}"`);
  } catch (error) {
    cluster.stop();
    throw error;
  }
  const nodes: NodeProcess[] = [];

  const spawnNode = async (spec: NodeSpec): Promise<NodeProcess> => {
    const engineLogPath = join(dir, `${spec.name}.engine.log`);
    const child = spawn(process.execPath, ['--import', 'tsx', NODE_SCRIPT], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        MN_NAME: spec.name,
        MN_DB: databaseUrl,
        MN_CALL_LOG: callLogPath,
        MN_ENGINE_LOG: engineLogPath,
        MN_LOG_LEVEL: spec.logLevel ?? 'warn',
        MN_OPTIONS: JSON.stringify(spec.options ?? {}),
        MN_DEPLOY: (spec.deploy ?? []).join(','),
        MN_HANDLE: (spec.handle ?? []).join(','),
        MN_HANDLER_DELAY: String(spec.handlerDelayMs ?? 0),
        MN_HTTP: spec.http ? '1' : '0',
      },
    });
    const node = new NodeProcess(spec.name, child, engineLogPath);
    nodes.push(node);
    await node.ready(60_000);
    return node;
  };

  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await client.query<R>(sql, params)).rows;

  return {
    pg: cluster,
    databaseUrl,
    schema,
    dir,
    callLogPath,
    nodes,
    spawn: spawnNode,
    query,
    async scalar(sql, params = []) {
      const rows = await query<Record<string, unknown>>(sql, params);
      const first = rows[0] === undefined ? undefined : Object.values(rows[0])[0];
      return Number(first ?? 0);
    },
    calls: () => readCallLog(callLogPath),
    async stop() {
      try {
        await Promise.all(nodes.map((node) => node.terminate()));
        await client.end().catch(() => undefined);
      } finally {
        cluster.stop();
        if (process.env.MLC_KEEP_MULTINODE_LOGS !== '1') rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export function readCallLog(path: string): CallLogLine[] {
  if (!existsSync(path)) return [];
  const lines: CallLogLine[] = [];
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    const f = text.split(' ');
    switch (f[0]) {
      case 'call':
        lines.push({ kind: 'call', jobId: f[1]!, instanceId: f[2]!, topic: f[3]!, key: f[4]!, attempt: Number(f[5]), node: f[6]!, pid: Number(f[7]), at: Number(f[8]) });
        break;
      case 'done':
        lines.push({ kind: 'done', jobId: f[1]!, node: f[2]!, pid: Number(f[3]), at: Number(f[4]) });
        break;
      case 'started':
        lines.push({ kind: 'started', instanceId: f[1]!, node: f[2]!, pid: Number(f[3]) });
        break;
      default:
        break; // empty line, or a line a kill cut short
    }
  }
  return lines;
}

/** `calls` grouped by job id. */
export function callsByJob(lines: CallLogLine[]): Map<string, Array<Extract<CallLogLine, { kind: 'call' }>>> {
  const byJob = new Map<string, Array<Extract<CallLogLine, { kind: 'call' }>>>();
  for (const line of lines) {
    if (line.kind !== 'call') continue;
    const list = byJob.get(line.jobId) ?? [];
    list.push(line);
    byJob.set(line.jobId, list);
  }
  return byJob;
}

/**
 * Settings that make lock expiry and failure detection fast enough for a test: an in-process
 * handler's job lock lasts `handlerTimeout`; a node whose heartbeat is older than `nodeGrace` is
 * dead and its locks are free at once.
 */
export function fastFailover(lockMs: number, heartbeatMs = 500): Record<string, unknown> {
  return { handlerTimeout: lockMs, heartbeatInterval: heartbeatMs, nodeGrace: heartbeatMs * 5 };
}
