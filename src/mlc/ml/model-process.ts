/**
 * Untrusted models run in a child process each (model-host.ts), never on the engine's event
 * loop: loading and scoring have a wall-clock limit, the process's resident memory is watched,
 * and a model that breaks either is stopped with SIGKILL, the one thing that ends native
 * onnxruntime work (a worker thread cannot be terminated while `session.run` is inside native
 * code: `worker.terminate()` never settles and the CPU keeps burning).
 *
 * The ModelRunawayError this raises is a NonRetryableError: a job that meets it becomes an
 * incident at once instead of being redelivered to the same runaway model.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NonRetryableError } from '../../runtime/errors.js';
import { withoutPaths } from '../errors.js';
import type { HostReply, HostRequest } from './model-host.js';
import { checkModelLimits, type ModelLimits } from './model-limits.js';
import { InvalidOnnxModelError } from './onnx-export.js';
import { describeScoringModel, probabilitiesFrom, toInputMatrix, type ScoringRows, type ScoringSignature, type ServingModel } from './scoring.js';

/** Why a model process was stopped. */
export type RunawayReason = 'timeout' | 'memory' | 'crashed';

export class ModelRunawayError extends NonRetryableError {
  constructor(
    message: string,
    readonly reason: RunawayReason,
  ) {
    super(message);
  }
}

/** How long a model process may take to start (node + onnxruntime), before any model is involved. */
const STARTUP_TIMEOUT_MS = 30_000;
/** How often the resident memory of a model process is read. */
const MEMORY_POLL_MS = 20;

export interface ModelProcessOptions {
  limits: ModelLimits;
  /** the model's folder: the process works there, so relative external data resolves inside it */
  folder: string;
  /** aborting it (the job timed out, the engine closes) kills the process */
  signal?: AbortSignal;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Pending = { resolve: (values: Float32Array | undefined) => void; reject: (error: Error) => void };

/** One child process holding one onnxruntime session; requests run one at a time. */
export class ModelProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private ready: Promise<void>;
  private stopped: ModelRunawayError | null = null;
  private readonly memoryWatch: NodeJS.Timeout;
  private readonly onAbort = () => this.kill(new ModelRunawayError('the model process was stopped: the job was aborted', 'crashed'));
  /** highest resident memory seen, in bytes (0 where /proc is not available) */
  peakRss = 0;
  /** ms from the kill to the process's exit, once it was killed */
  stopMs: number | null = null;

  constructor(private readonly options: ModelProcessOptions) {
    const host = hostModule();
    const heapMb = Math.max(64, Math.min(512, Math.floor(options.limits.memoryMb / 2)));
    this.child = fork(host.path, [], {
      cwd: options.folder,
      execArgv: [...host.execArgv, `--max-old-space-size=${heapMb}`],
      // the model never sees the server's environment (credentials live there)
      env: pick(process.env, ['PATH', 'LANG', 'TMPDIR', 'HOME', 'SYSTEMROOT']),
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    this.child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.kill(new ModelRunawayError(`the model process did not start within ${STARTUP_TIMEOUT_MS} ms`, 'timeout')), STARTUP_TIMEOUT_MS);
      this.child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.once('exit', () => {
        clearTimeout(timer);
        reject(this.stopped ?? new ModelRunawayError(`the model process exited before it was ready: ${lastLine(stderr)}`, 'crashed'));
      });
    });
    this.ready.catch(() => undefined);
    this.child.on('message', (reply: HostReply) => {
      if (!('id' in reply)) return;
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.values);
      else pending.reject(new Error(withoutPaths(reply.message))); // onnxruntime names its own source files
    });
    this.child.on('exit', (code, signal) => {
      clearInterval(this.memoryWatch);
      options.signal?.removeEventListener('abort', this.onAbort);
      const error = this.stopped ?? new ModelRunawayError(`the model process ended unexpectedly (${signal ?? `exit code ${code}`})${stderr ? `: ${lastLine(stderr)}` : ''}`, 'crashed');
      this.stopped = error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
    this.memoryWatch = setInterval(() => this.checkMemory(), MEMORY_POLL_MS);
    this.memoryWatch.unref();
    if (options.signal?.aborted) this.onAbort();
    else options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Creates the session; an onnxruntime refusal is an InvalidOnnxModelError. */
  async load(bytes: Uint8Array): Promise<void> {
    try {
      await this.request({ op: 'load', bytes }, this.options.limits.loadTimeoutMs, 'load the model');
    } catch (error) {
      if (error instanceof ModelRunawayError) throw error;
      throw new InvalidOnnxModelError(`onnxruntime could not load the model: ${(error as Error).message}`);
    }
  }

  async run(input: string, output: string, data: Float32Array, n: number): Promise<Float32Array> {
    return (await this.request({ op: 'run', input, output, data, n }, this.options.limits.runTimeoutMs, 'score'))!;
  }

  /** Kills the process (idempotent); pending requests reject with `reason`. */
  kill(reason: ModelRunawayError = new ModelRunawayError('the model process was released', 'crashed')): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.stopped ??= reason;
    const killedAt = performance.now();
    this.child.once('exit', () => (this.stopMs = performance.now() - killedAt));
    this.child.kill('SIGKILL');
  }

  /** False once the process was killed or ended. */
  get alive(): boolean {
    return this.stopped === null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the process has exited. */
  exited(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  private request(message: DistributiveOmit<HostRequest, 'id'>, timeoutMs: number, what: string): Promise<Float32Array | undefined> {
    const run = this.queue.then(async () => {
      await this.ready;
      if (this.stopped) throw this.stopped;
      const id = this.nextId++;
      return new Promise<Float32Array | undefined>((resolve, reject) => {
        const timer = setTimeout(
          () => this.kill(new ModelRunawayError(`the model did not ${what} within ${timeoutMs} ms; its process was stopped`, 'timeout')),
          timeoutMs,
        );
        const settle = () => clearTimeout(timer);
        this.pending.set(id, { resolve: (v) => (settle(), resolve(v)), reject: (e) => (settle(), reject(e)) });
        this.child.send({ ...message, id } as HostRequest);
      });
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private checkMemory(): void {
    const rss = residentBytes(this.child.pid);
    if (rss === null) return;
    this.peakRss = Math.max(this.peakRss, rss);
    const limit = this.options.limits.memoryMb * 1024 * 1024;
    if (rss > limit) {
      this.kill(new ModelRunawayError(`the model process used ${Math.round(rss / 1024 / 1024)} MiB, over its limit of ${this.options.limits.memoryMb} MiB; it was stopped`, 'memory'));
    }
  }
}

/**
 * A model checked against the limits and loaded into a model process of its own. When a run is
 * stopped, the next call starts a fresh process with the same model: one request that makes the
 * model run away costs that request its run limit, not every later caller their answers.
 */
export class IsolatedModel implements ServingModel {
  readonly features: string[] | null;
  readonly featureCount: number | null;
  private restarting: Promise<void> | null = null;
  private released = false;

  private constructor(
    readonly signature: ScoringSignature,
    private current: ModelProcess,
    private readonly bytes: Uint8Array,
    private readonly options: ModelProcessOptions,
  ) {
    this.features = signature.features;
    this.featureCount = signature.featureCount;
  }

  /** The model process serving now (a new one after a restart). */
  get process(): ModelProcess {
    return this.current;
  }

  /**
   * Static checks first (signature, graph size, tensor sizes, loop counts, external data), then
   * the session is created in a new model process. Throws InvalidOnnxModelError for a model
   * that breaks a rule, ModelRunawayError for one stopped while loading.
   */
  static async load(bytes: Uint8Array, options: ModelProcessOptions): Promise<IsolatedModel> {
    const signature = describeScoringModel(bytes);
    checkModelLimits(bytes, options.limits, options.folder);
    return new IsolatedModel(signature, await startLoaded(bytes, options), bytes, options);
  }

  async score(rows: ScoringRows): Promise<number[]> {
    if (rows.length === 0) return [];
    const data = toInputMatrix(rows, this.features, this.featureCount);
    const process = await this.running();
    const values = await process.run(this.signature.inputName, this.signature.outputName, data, rows.length);
    return probabilitiesFrom(values, rows.length, this.signature.outputName);
  }

  async release(): Promise<void> {
    this.released = true;
    this.current.kill();
    await this.current.exited();
  }

  private async running(): Promise<ModelProcess> {
    if (this.current.alive || this.released || this.options.signal?.aborted) return this.current;
    this.restarting ??= startLoaded(this.bytes, this.options)
      .then((process) => {
        this.current = process;
      })
      .finally(() => (this.restarting = null));
    await this.restarting;
    return this.current;
  }
}

async function startLoaded(bytes: Uint8Array, options: ModelProcessOptions): Promise<ModelProcess> {
  const process = new ModelProcess(options);
  try {
    await process.load(bytes);
  } catch (error) {
    process.kill();
    throw error;
  }
  return process;
}

/** Resident set size of a process in bytes, from /proc (Linux); null elsewhere or once it is gone. */
function residentBytes(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function pick(env: NodeJS.ProcessEnv, keys: string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(keys.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
}

function lastLine(text: string): string {
  return withoutPaths(text.trim().split('\n').pop()?.slice(0, 500) ?? '');
}

/** The host as compiled JavaScript, or the TypeScript source run through tsx (development, tests). */
function hostModule(): { path: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./model-host.js', import.meta.url));
  if (existsSync(js)) return { path: js, execArgv: [] };
  // resolved here, not by the child: the child works in the model's folder, where tsx is not installed
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { path: fileURLToPath(new URL('./model-host.ts', import.meta.url)), execArgv: ['--import', tsx] };
}
