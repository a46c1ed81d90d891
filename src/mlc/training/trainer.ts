/**
 * Background training jobs. `start` launches a child process and returns at once with the job
 * id; the process polls `status` (the `training-status` topic) until the job has succeeded —
 * then the trained model is a new registered version — or failed, with the reason and the
 * captured log.
 *
 * The default job is train-worker (logistic regression → ONNX + baseline histograms). Other
 * training commands come only from the server's configuration: the operator names them
 * (`trainers: {name: argv}`, `mlc serve --trainers file.json`) and a model picks one with
 * `metadata.trainer`. A command never comes from model metadata sent over REST: that would let
 * any caller run programs as the server's user. It runs without a shell, in the job's folder,
 * with a timeout and only the MLC_* variables (not the server's environment, where credentials
 * live), and must write `model.onnx` into `$MLC_OUTPUT_DIR` (a folder per attempt, also its working directory).
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Clock } from '../../runtime/timers/index.js';
import type { RegistryStore, TrainingJobRecord } from '../../store/registry-store.js';
import { buildBaseline, readCsvFile, readOnnxMetadata, type DriftBaseline } from '../ml/index.js';
import { badRequest, notFound, withoutPaths } from '../errors.js';
import { checkId, relativeToData, resolveInside } from '../registry/ids.js';
import type { ModelRegistry } from '../registry/registry.js';
import type { TrainSpec } from './train-worker.js';
import { TRAINING_COMMAND_REFUSED, type Trainers } from './trainers.js';

export interface TrainingRequest {
  modelId: string;
  /** labelled CSV, a path inside the data directory */
  trainingData: string;
  hyperParameters?: Record<string, unknown>;
  baseVersion?: number | null;
  instanceId?: string | null;
  idempotencyKey?: string | null;
}

export interface TrainingStatus {
  jobId: string;
  status: 'running' | 'succeeded' | 'failed';
  modelId: string;
  version: number | null;
  error: string | null;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** attempts per job (a restart of the engine counts as one); a model may set 1..MAX_ATTEMPTS with metadata.trainingAttempts */
const DEFAULT_ATTEMPTS = 2;
const MAX_ATTEMPTS = 5;

export class TrainingManager extends EventEmitter {
  private readonly children = new Map<string, ChildProcess>();
  private closed = false;

  constructor(
    private readonly store: RegistryStore,
    private readonly registry: ModelRegistry,
    private readonly dataDir: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly trainers: Trainers = {},
  ) {
    super();
  }

  /** The names of the configured trainers. */
  get trainerNames(): string[] {
    return Object.keys(this.trainers);
  }

  /** The argv of the trainer the model names, null for the built-in one; a 400 for anything else. */
  private commandOf(model: { id: string; metadata: Record<string, unknown> }): readonly string[] | null {
    if (model.metadata.trainingCommand !== undefined) throw badRequest(`model '${model.id}': ${TRAINING_COMMAND_REFUSED}`);
    const name = model.metadata.trainer;
    if (name === undefined || name === null || name === 'builtin') return null;
    const offered = this.trainerNames;
    if (typeof name !== 'string' || !Object.hasOwn(this.trainers, name)) {
      throw badRequest(`model '${model.id}' names trainer ${JSON.stringify(name)}, which this server does not offer (offered: builtin${offered.map((n) => `, ${n}`).join('')})`);
    }
    return this.trainers[name]!;
  }

  /**
   * Jobs that were running when the engine last stopped (a crash, a kill, Ctrl-C) are run again
   * under the same job id and idempotency key, so the process polling them carries on; one that
   * has used its attempts is failed with the reason, which the process turns into an alert and a
   * review task.
   */
  resumeInterrupted(): void {
    for (const job of this.store.runningTrainingJobs()) {
      if (this.children.has(job.id)) continue;
      this.retryOrFail(job, 'interrupted: the engine stopped while this job was running');
    }
  }

  /** Starts a job (or returns the one already started for this idempotency key). */
  start(request: TrainingRequest): TrainingJobRecord {
    if (request.idempotencyKey) {
      const existing = this.store.trainingJobByKey(request.idempotencyKey);
      if (existing) return existing;
    }
    const model = this.registry.model(request.modelId);
    const dataPath = resolveInside(this.dataDir, request.trainingData, 'trainingData');
    if (!existsSync(dataPath)) throw badRequest(`training data '${request.trainingData}' does not exist in the data directory`);
    this.commandOf(model); // refuse an unknown trainer before anything is written
    const id = randomUUID();
    const jobDir = join(this.dataDir, 'training', checkId(id, 'training job id'));
    mkdirSync(jobDir, { recursive: true });
    const logFile = join(jobDir, 'train.log');
    // a model may ask for less time than the default, never more
    const asked = model.metadata.trainingTimeoutMs;
    const timeoutMs = typeof asked === 'number' && asked > 0 ? Math.min(asked, DEFAULT_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;
    const attempts = model.metadata.trainingAttempts;
    const maxAttempts = typeof attempts === 'number' && Number.isInteger(attempts) ? Math.min(Math.max(attempts, 1), MAX_ATTEMPTS) : DEFAULT_ATTEMPTS;
    const features = Array.isArray(model.metadata.features) ? (model.metadata.features as string[]) : null;
    const label = typeof model.metadata.label === 'string' ? model.metadata.label : null;
    const spec: TrainSpec = {
      modelId: model.id,
      trainingData: dataPath,
      outputDir: jobDir,
      features,
      label,
      hyperParameters: (request.hyperParameters ?? {}) as TrainSpec['hyperParameters'],
    };
    writeFileSync(join(jobDir, 'spec.json'), JSON.stringify(spec));
    this.store.insertTrainingJob({
      id,
      idempotencyKey: request.idempotencyKey ?? null,
      modelId: model.id,
      baseVersion: request.baseVersion ?? null,
      spec: { trainingData: request.trainingData, hyperParameters: request.hyperParameters ?? {}, trainer: typeof model.metadata.trainer === 'string' ? model.metadata.trainer : 'builtin', timeoutMs, maxAttempts },
      logFile: relativeToData(this.dataDir, logFile),
      instanceId: request.instanceId ?? null,
      startedAt: this.clock.now(),
    });
    const job = this.store.trainingJob(id)!;
    this.launch(job);
    return job;
  }

  /** Runs one attempt of a stored job: the built-in worker or the operator's command, under the job's timeout. */
  private launch(job: TrainingJobRecord): void {
    const id = job.id;
    const jobDir = join(this.dataDir, 'training', checkId(id, 'training job id'));
    const attempt = this.attempts(jobDir) + 1;
    writeFileSync(join(jobDir, 'attempts.json'), JSON.stringify({ attempts: attempt }));
    const model = this.registry.model(job.modelId);
    const command = this.commandOf(model);
    const dataPath = resolveInside(this.dataDir, String(job.spec.trainingData), 'trainingData');
    const timeoutMs = typeof job.spec.timeoutMs === 'number' ? job.spec.timeoutMs : DEFAULT_TIMEOUT_MS;
    // each attempt writes into a folder of its own: a previous attempt orphaned by a killed server
    // (still running, still writing) can never mix its files into the attempt that gets registered
    const outputDir = join(jobDir, `attempt-${attempt}`);
    mkdirSync(outputDir, { recursive: true });
    const spec = { ...(JSON.parse(readFileSync(join(jobDir, 'spec.json'), 'utf8')) as TrainSpec), outputDir };
    const specFile = join(outputDir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const log = openSync(join(jobDir, 'train.log'), 'a');
    writeSync(log, `--- attempt ${attempt} of ${this.maxAttempts(job)}\n`);
    let child: ChildProcess;
    try {
      if (command) {
        child = spawn(command[0]!, command.slice(1), {
          cwd: outputDir,
          stdio: ['ignore', log, log],
          env: {
            ...pick(process.env, ['PATH', 'LANG', 'TMPDIR', 'HOME', 'SYSTEMROOT']),
            MLC_MODEL_ID: model.id,
            MLC_TRAINING_DATA: dataPath,
            MLC_OUTPUT_DIR: outputDir,
            MLC_HYPER_PARAMETERS: JSON.stringify(job.spec.hyperParameters ?? {}),
            MLC_FEATURES: JSON.stringify(spec.features),
            MLC_LABEL: spec.label ?? '',
          },
        });
      } else {
        const worker = workerModule();
        child = fork(worker.path, [specFile], { stdio: ['ignore', log, log, 'ipc'], execArgv: worker.execArgv });
      }
    } finally {
      closeSync(log);
    }
    this.children.set(id, child);
    const timer = setTimeout(() => {
      this.logger.warn({ jobId: id, timeoutMs }, 'training job timed out; killing it');
      child.kill('SIGKILL');
      void this.finish(id, child, outputDir, null, `timed out after ${timeoutMs} ms`);
    }, timeoutMs);
    timer.unref();
    child.on('error', (error) => {
      clearTimeout(timer);
      void this.finish(id, child, outputDir, null, `could not start the training command: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      void this.finish(id, child, outputDir, code, signal ? `killed by ${signal}` : null);
    });
  }

  private attempts(jobDir: string): number {
    try {
      const n = (JSON.parse(readFileSync(join(jobDir, 'attempts.json'), 'utf8')) as { attempts?: unknown }).attempts;
      return typeof n === 'number' ? n : 0;
    } catch {
      return 0;
    }
  }

  private maxAttempts(job: TrainingJobRecord): number {
    return typeof job.spec.maxAttempts === 'number' ? job.spec.maxAttempts : DEFAULT_ATTEMPTS;
  }

  /** After a failed attempt: another one while attempts are left, else the job fails with every reason. */
  private retryOrFail(job: TrainingJobRecord, reason: string): void {
    const jobDir = join(this.dataDir, 'training', job.id);
    const used = this.attempts(jobDir);
    const max = this.maxAttempts(job);
    if (used < max) {
      this.logger.warn({ jobId: job.id, modelId: job.modelId, attempt: used, err: reason }, 'training attempt failed; running it again');
      try {
        this.launch(job);
        return;
      } catch (error) {
        reason = `${reason}; the next attempt could not start: ${(error as Error).message}`;
      }
    }
    const error = withoutPaths(`${reason} (attempt ${used} of ${max}, no attempts left)`, this.dataDir);
    this.store.finishTrainingJob(job.id, 'failed', null, error, this.clock.now());
    this.logger.warn({ jobId: job.id, modelId: job.modelId, err: error }, 'training failed');
    this.emit('finished', job.id);
  }

  job(id: string): TrainingJobRecord {
    const job = this.store.trainingJob(id);
    if (!job) throw notFound(`no training job '${id}'`);
    return job;
  }

  status(id: string): TrainingStatus {
    const job = this.job(id);
    return { jobId: job.id, status: job.status as TrainingStatus['status'], modelId: job.modelId, version: job.resultVersion, error: job.error };
  }

  /** The captured stdout/stderr of a job (the last 64 KiB). */
  log(id: string): string {
    const job = this.job(id);
    if (!job.logFile) return '';
    try {
      const text = readFileSync(resolveInside(this.dataDir, job.logFile, 'log'), 'utf8');
      return text.length > 65536 ? text.slice(-65536) : text;
    } catch {
      return '';
    }
  }

  /** Resolves when the job is no longer running (tests, the CLI). */
  whenFinished(id: string): Promise<TrainingStatus> {
    const current = this.status(id);
    if (current.status !== 'running') return Promise.resolve(current);
    return new Promise((resolve) => {
      const onFinished = (jobId: string) => {
        if (jobId !== id) return;
        this.off('finished', onFinished);
        resolve(this.status(id));
      };
      this.on('finished', onFinished);
    });
  }

  get running(): number {
    return this.children.size;
  }

  close(): void {
    this.closed = true;
    for (const child of this.children.values()) child.kill('SIGKILL');
    this.children.clear();
  }

  private async finish(id: string, child: ChildProcess, outputDir: string, code: number | null, failure: string | null): Promise<void> {
    // an attempt's exit after its timeout already finished it, or after a retry replaced it, is stale
    if (this.children.get(id) !== child || this.closed) return;
    this.children.delete(id);
    const job = this.store.trainingJob(id);
    if (!job || job.status !== 'running') return;
    let version: number | null = null;
    let error: string | null = failure;
    if (error === null && code !== 0) error = `training exited with code ${code}: ${lastLines(this.log(id))}`;
    if (error !== null) return this.retryOrFail(job, error);
    try {
      version = await this.register(job, outputDir);
    } catch (e) {
      // a model that cannot be registered will not register on a second run either
      error = withoutPaths(`training finished but its model could not be registered: ${(e as Error).message}`, this.dataDir);
    }
    if (this.closed) return;
    this.store.finishTrainingJob(id, error === null ? 'succeeded' : 'failed', version, error, this.clock.now());
    if (error) this.logger.warn({ jobId: id, modelId: job.modelId, err: error }, 'training failed');
    else this.logger.info({ jobId: id, modelId: job.modelId, version }, 'training succeeded');
    this.emit('finished', id);
  }

  private async register(job: TrainingJobRecord, outputDir: string): Promise<number> {
    const modelFile = join(outputDir, 'model.onnx');
    if (!existsSync(modelFile)) throw new Error('the job wrote no model.onnx into its output directory');
    const resultFile = join(outputDir, 'result.json');
    const result = existsSync(resultFile) ? (JSON.parse(readFileSync(resultFile, 'utf8')) as Record<string, unknown>) : {};
    const trainingData = String(job.spec.trainingData);
    let baseline = (result.baseline as DriftBaseline | undefined) ?? null;
    const bytes = readFileSync(modelFile);
    if (!baseline) {
      // a custom command gave no baseline: build it from the training data, for drift checks
      let features: string[] | null = null;
      try {
        features = readOnnxMetadata(bytes).features;
      } catch {
        // registerVersion reports the invalid model
      }
      if (features) {
        const table = await readCsvFile(resolveInside(this.dataDir, trainingData, 'trainingData'));
        if (features.every((f) => table.columns.includes(f))) baseline = buildBaseline(table, features);
      }
    }
    const version = await this.registry.registerVersion(job.modelId, {
      bytes,
      trainingData,
      hyperParameters: (result.hyperParameters as Record<string, unknown> | undefined) ?? (job.spec.hyperParameters as Record<string, unknown>) ?? null,
      trainingMetrics: (result.trainingMetrics as Record<string, unknown> | undefined) ?? null,
      baseline,
      description: `trained by job ${job.id}`,
      createdByInstance: job.instanceId,
    });
    return version.version;
  }
}

function pick(env: NodeJS.ProcessEnv, keys: string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(keys.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
}

/** The last lines the current attempt wrote (the log keeps every attempt, each after its marker line). */
function lastLines(text: string, n = 5): string {
  const attempt = text.slice(text.lastIndexOf('--- attempt ')).split('\n').slice(1).join('\n');
  return attempt.trim().split('\n').slice(-n).join(' | ').slice(0, 1000);
}

/** The worker as compiled JavaScript, or the TypeScript source run through tsx (development, tests). */
function workerModule(): { path: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./train-worker.js', import.meta.url));
  if (existsSync(js)) return { path: js, execArgv: [] };
  return { path: fileURLToPath(new URL('./train-worker.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}
