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
 * live), and must write `model.onnx` into `$MLC_OUTPUT_DIR`.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
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

  /** Jobs that were running when the engine last stopped cannot be resumed: mark them failed. */
  failInterrupted(): void {
    for (const job of this.store.runningTrainingJobs()) {
      if (!this.children.has(job.id)) this.store.finishTrainingJob(job.id, 'failed', null, 'interrupted: the engine stopped while this job was running', this.clock.now());
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
    const id = randomUUID();
    const jobDir = join(this.dataDir, 'training', checkId(id, 'training job id'));
    mkdirSync(jobDir, { recursive: true });
    const logFile = join(jobDir, 'train.log');
    const command = this.commandOf(model);
    // a model may ask for less time than the default, never more
    const asked = model.metadata.trainingTimeoutMs;
    const timeoutMs = typeof asked === 'number' && asked > 0 ? Math.min(asked, DEFAULT_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;
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
    const specFile = join(jobDir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    this.store.insertTrainingJob({
      id,
      idempotencyKey: request.idempotencyKey ?? null,
      modelId: model.id,
      baseVersion: request.baseVersion ?? null,
      spec: { trainingData: request.trainingData, hyperParameters: request.hyperParameters ?? {}, trainer: typeof model.metadata.trainer === 'string' ? model.metadata.trainer : 'builtin', timeoutMs },
      logFile: relativeToData(this.dataDir, logFile),
      instanceId: request.instanceId ?? null,
      startedAt: this.clock.now(),
    });

    const log = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      if (command) {
        child = spawn(command[0]!, command.slice(1), {
          cwd: jobDir,
          stdio: ['ignore', log, log],
          env: {
            ...pick(process.env, ['PATH', 'LANG', 'TMPDIR', 'HOME', 'SYSTEMROOT']),
            MLC_MODEL_ID: model.id,
            MLC_TRAINING_DATA: dataPath,
            MLC_OUTPUT_DIR: jobDir,
            MLC_HYPER_PARAMETERS: JSON.stringify(request.hyperParameters ?? {}),
            MLC_FEATURES: JSON.stringify(features),
            MLC_LABEL: label ?? '',
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
      void this.finish(id, null, `timed out after ${timeoutMs} ms`);
    }, timeoutMs);
    timer.unref();
    child.on('error', (error) => {
      clearTimeout(timer);
      void this.finish(id, null, `could not start the training command: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      void this.finish(id, code, signal ? `killed by ${signal}` : null);
    });
    return this.store.trainingJob(id)!;
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

  private async finish(id: string, code: number | null, failure: string | null): Promise<void> {
    if (!this.children.delete(id) || this.closed) return;
    const job = this.store.trainingJob(id);
    if (!job || job.status !== 'running') return;
    const jobDir = join(this.dataDir, 'training', id);
    let version: number | null = null;
    let error: string | null = failure;
    if (error === null && code !== 0) error = `training exited with code ${code}: ${lastLines(this.log(id))}`;
    if (error === null) {
      try {
        version = await this.register(job, jobDir);
      } catch (e) {
        error = `training finished but its model could not be registered: ${(e as Error).message}`;
      }
    }
    if (this.closed) return;
    if (error !== null) error = withoutPaths(error, this.dataDir);
    this.store.finishTrainingJob(id, error === null ? 'succeeded' : 'failed', version, error, this.clock.now());
    if (error) this.logger.warn({ jobId: id, modelId: job.modelId, err: error }, 'training failed');
    else this.logger.info({ jobId: id, modelId: job.modelId, version }, 'training succeeded');
    this.emit('finished', id);
  }

  private async register(job: TrainingJobRecord, jobDir: string): Promise<number> {
    const modelFile = join(jobDir, 'model.onnx');
    if (!existsSync(modelFile)) throw new Error('the job wrote no model.onnx into its output directory');
    const resultFile = join(jobDir, 'result.json');
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

function lastLines(text: string, n = 5): string {
  return text.trim().split('\n').slice(-n).join(' | ').slice(0, 1000);
}

/** The worker as compiled JavaScript, or the TypeScript source run through tsx (development, tests). */
function workerModule(): { path: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./train-worker.js', import.meta.url));
  if (existsSync(js)) return { path: js, execArgv: [] };
  return { path: fileURLToPath(new URL('./train-worker.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}
