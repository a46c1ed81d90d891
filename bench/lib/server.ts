/** Spawning and talking to a REST server child process (bench/lib/server-child.ts) over loopback. */
import { spawn, type ChildProcess } from 'node:child_process';
import { request, Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { now, sleep } from './stats.js';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));
const COMPILED = fileURLToPath(new URL('../../node_modules/.cache/mlc-bench/server-child.mjs', import.meta.url));

let compiled: Promise<string | null> | null = null;

/**
 * The server child as a deployment runs it: compiled JavaScript (our sources bundled by esbuild,
 * packages left to node_modules), not TypeScript transpiled at start-up. Set BENCH_CHILD=tsx to
 * run it through tsx instead (about 1.5 s more start-up, spent in the loader).
 */
export function childMode(): Promise<string | null> {
  compiled ??= (async () => {
    if (process.env.BENCH_CHILD === 'tsx') return null;
    try {
      const { build } = await import('esbuild');
      await build({ entryPoints: [CHILD], outfile: COMPILED, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent' });
      return COMPILED;
    } catch {
      return null;
    }
  })();
  return compiled;
}

let compiledEntry: string | null = null;

/** Builds the compiled child (once) and makes it the default of `spawnServer`; returns 'compiled' or 'tsx'. */
export async function prepareChild(): Promise<'compiled' | 'tsx'> {
  compiledEntry = await childMode();
  return compiledEntry ? 'compiled' : 'tsx';
}

export interface Ready {
  port: number;
  /** ms from process start until the child's module body ran (node + loader + imports) */
  bootMs: number;
  /** ms from process start until Engine.open returned */
  openMs: number;
  /** ms from process start until the server listened */
  listenMs: number;
}

export interface ServerChild {
  process: ChildProcess;
  pid: number;
  /** performance.now() at spawn */
  spawnedAt: number;
  /** resolves with the port once the child says it listens, or rejects with why not */
  ready: Promise<Ready>;
  /** latest progress line (with --report) */
  last: { active?: number; jobs?: number; rss?: number };
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** Spawns the server child; call `await childMode()` once before, so the compiled file exists. */
export function spawnServer(args: string[], timeoutMs = 60_000, entry: string | null = compiledEntry): ServerChild {
  const spawnedAt = now();
  const child = spawn(process.execPath, entry ? [entry, ...args] : ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MLC_LOG_LEVEL: 'silent' },
  });
  const last: ServerChild['last'] = {};
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (message.ready) {
        clearTimeout(timer);
        resolve({ port: message.port as number, bootMs: message.bootMs as number, openMs: message.openMs as number, listenMs: message.listenMs as number });
      } else if (message.unavailable) {
        clearTimeout(timer);
        reject(new Error(String(message.unavailable)));
      } else if ('active' in message) {
        Object.assign(last, message);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it was ready: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
  ready.catch(() => undefined);
  return {
    process: child,
    pid: child.pid!,
    spawnedAt,
    ready,
    last,
    exited,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Stops a child: SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
export async function stopServer(server: ServerChild, graceMs = 5000): Promise<void> {
  server.kill('SIGTERM');
  const gone = await Promise.race([server.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!gone) {
    server.kill('SIGKILL');
    await server.exited;
  }
}

export const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });

export interface HttpResult {
  status: number;
  body: string;
}

/** One loopback request; rejects on a connection error or after `timeoutMs`. */
export function http(port: number, method: string, path: string, body?: unknown, timeoutMs = 5000, agent: Agent | false = keepAlive): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request({
      host: '127.0.0.1',
      port,
      method,
      path,
      agent,
      headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
