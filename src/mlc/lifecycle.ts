/**
 * Installs the model lifecycle into an engine: the registry (tables from migration 3), the
 * scoring runtimes, background training, the built-in handlers (train, training-status, test,
 * compare, deploy, alert, get-deployed-model, set-model-status, describe-changes) and the
 * bundled processes (OnModelChanged, DailyBacktesting, RetrainOnDrift).
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Engine } from '../runtime/engine.js';
import type { InstanceRecord } from '../store/records.js';
import { RegistryStore, type DeploymentRecord, type ModelRecord } from '../store/registry-store.js';
import { badRequest, conflict } from './errors.js';
import { builtinHandlers, BUILTIN_TOPICS } from './handlers/index.js';
import { approvalGroupOf } from './handlers/deployed-model.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './registry/evaluation.js';
import { checkId } from './registry/ids.js';
import { ModelRegistry } from './registry/registry.js';
import { RuntimeManager } from './registry/runtimes.js';
import { TrainingManager } from './training/trainer.js';
import { checkTrainers, type Trainers } from './training/trainers.js';
import { DEFAULT_MODEL_LIMITS, type ModelLimits } from './ml/model-limits.js';
import { buildAudit, type AuditReport } from './audit.js';
import { seedDemo } from './seed.js';
import { DEFAULT_RETRAIN_POLICY, type RetrainPolicy } from './retrain-policy.js';
import { approvalGuard, frozenEvidenceGuard } from './approval-guard.js';
import { identityOf } from '../identity/identity-service.js';

export interface ModelLifecycleOptions {
  /** where model artifacts, datasets and training jobs live; every data reference must stay inside it */
  dataDir: string;
  /** seed the demo model (fraud detector trained on Q1), datasets and DEV/QA/PROD runtimes */
  seedDemo?: boolean;
  /** alerts are POSTed here as JSON (with retries) */
  webhookUrl?: string | null;
  webhook?: { retries?: number; backoffMs?: number; timeoutMs?: number };
  /** deploy the bundled processes (default true) */
  deployProcesses?: boolean;
  /** default test thresholds (a model's metadata.thresholds and process variables override them) */
  thresholds?: Partial<Thresholds>;
  /** waitForCompletion: the `train` handler waits for the job instead of returning 'running' (default false) */
  training?: { waitForCompletion?: boolean };
  /**
   * training commands the operator allows, by name (argv arrays, run without a shell); a model
   * picks one with `metadata.trainer`. Model metadata never carries a command.
   */
  trainers?: Record<string, readonly string[]>;
  /** the budgets of model handling (time, memory, graph and tensor sizes); see DEFAULT_MODEL_LIMITS */
  modelLimits?: Partial<ModelLimits>;
  /**
   * daily backtesting: which model (default: the latest deployment on the stage), which stage
   * (default PROD), and where yesterday's labelled data is (default `labelled/{date}.csv`)
   */
  backtest?: { modelId?: string | null; stage?: string; data?: string };
  /** topics left to someone else (remote workers): no built-in handler is registered for them */
  skipTopics?: string[];
  /** a drifted backtest starts RetrainOnDrift (default on), at most once per model per cool-down (default 168 h); a model's metadata.retrainOnDrift overrides */
  retrain?: { onDrift?: boolean; cooldownHours?: number };
  /** four-eyes per model type (default on for every type; a model's metadata.fourEyes overrides) */
  fourEyes?: Record<string, boolean>;
  logger?: Logger;
}

export interface ResolvedOptions {
  dataDir: string;
  webhookUrl: string | null;
  webhook: { retries: number; backoffMs: number; timeoutMs: number };
  thresholds: Thresholds;
  training: { waitForCompletion: boolean };
  backtest: { modelId: string | null; stage: string; data: string };
  fourEyes: Record<string, boolean>;
  trainers: Trainers;
  modelLimits: ModelLimits;
  retrain: RetrainPolicy;
}

export interface SubmitOptions {
  actor?: string | null;
  /** extra or overriding process variables (testData, trainingData, requiresTraining, deployStage, ...) */
  variables?: Record<string, unknown>;
}

export const PROCESS_KEYS = ['OnModelChanged', 'DailyBacktesting', 'RetrainOnDrift'] as const;

/** The bundled processes directory (`processes/` at the package root). */
export function bundledProcessesDir(): string {
  return fileURLToPath(new URL('../../processes/', import.meta.url));
}

export class ModelLifecycle extends EventEmitter {
  readonly store: RegistryStore;
  readonly registry: ModelRegistry;
  readonly runtimes: RuntimeManager;
  readonly training: TrainingManager;
  readonly logger: Logger;
  readonly dataDir: string;
  /** topics this lifecycle registered handlers for (the others were already handled or skipped) */
  readonly handledTopics: string[] = [];
  private closed = false;

  constructor(
    readonly engine: Engine,
    readonly options: ResolvedOptions,
    logger: Logger,
  ) {
    super();
    this.dataDir = options.dataDir;
    this.logger = logger;
    this.store = new RegistryStore(engine.db);
    this.registry = new ModelRegistry(this.store, this.dataDir, engine.clock, options.modelLimits);
    this.runtimes = new RuntimeManager(this.store, this.registry, engine.clock, logger, engine.observers);
    this.training = new TrainingManager(this.store, this.registry, this.dataDir, engine.clock, logger, options.trainers);
  }

  /** Starts OnModelChanged for a version ("Submit" in the model details), business key `${id}:v${n}`. */
  async submit(modelId: string, n: number, options: SubmitOptions = {}): Promise<InstanceRecord> {
    const model = this.registry.model(modelId);
    const version = this.registry.version(modelId, n);
    if (version.status !== 'registered' && version.status !== 'tested') {
      throw conflict(`${modelId} v${n} is ${version.status}; only a registered or tested version can be submitted`);
    }
    const businessKey = `${modelId}:v${n}`;
    const running = this.engine.queries.instances({ businessKey, state: 'active', processDefinitionKey: 'OnModelChanged' }).filter((i) => i.definitionKey === 'OnModelChanged');
    if (running.length > 0) throw conflict(`${businessKey} is already being processed by instance ${running[0]!.id}`);
    const extra = options.variables ?? {};
    if (typeof extra !== 'object' || Array.isArray(extra)) throw badRequest('variables must be an object');
    const instance = await this.engine.start('OnModelChanged', {
      businessKey,
      actor: options.actor ?? null,
      variables: { ...this.submitVariables(model, n), ...extra },
    });
    // the submitter, for four-eyes: they may neither approve nor deploy this version
    this.registry.note(modelId, n, 'submitted', { actor: options.actor ?? null, instanceId: instance.id });
    return instance;
  }

  /** The process variables OnModelChanged starts with. */
  submitVariables(model: ModelRecord, n: number): Record<string, unknown> {
    const m = model.metadata;
    const s = (key: string) => (typeof m[key] === 'string' ? (m[key] as string) : null);
    return {
      modelId: model.id,
      modelVersion: n,
      submittedVersion: n,
      modelName: model.name,
      modelType: model.type,
      requiresTraining: m.requiresTraining === true,
      approvalGroup: approvalGroupOf(model),
      // read by the approvalRouting decision (processes/approval-routing.dmn); null when the metadata names none
      riskTier: s('riskTier'),
      reviewGroup: model.ownerGroup ?? 'data-science',
      trainingData: s('trainingData'),
      testData: s('testData'),
      deployStage: (s('deployStage') ?? 'PROD').toUpperCase(),
      runtimeTags: Array.isArray(m.runtimeTags) ? m.runtimeTags : [],
      trainingPollInterval: s('trainingPollInterval') ?? 'PT5S',
      approved: null,
      comment: null,
    };
  }

  /** The active deployment of a model (or of any model) on a stage (or any stage), most recent first. */
  deployedVersion(modelId: string | null | undefined, stage: string | null | undefined): DeploymentRecord | undefined {
    const wanted = stage?.toUpperCase();
    return this.store.activeDeployments()
      .filter((d) => (!modelId || d.modelId === modelId) && (!wanted || d.stage === wanted))
      .sort((a, b) => b.deployedAt - a.deployedAt)[0];
  }

  /** Who approved the version, when, with which test results; its deployments and the processes that touched it. */
  audit(modelId: string, n: number): AuditReport {
    return buildAudit(this, modelId, n);
  }

  /** POSTs JSON with retries and exponential backoff; 'delivered' or 'failed: reason'. */
  async postWebhook(url: string, body: unknown, signal?: AbortSignal): Promise<string> {
    const { retries, backoffMs, timeoutMs } = this.options.webhook;
    let reason = '';
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      if (signal?.aborted || this.closed) return `failed: aborted`;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
        if (response.ok) return 'delivered';
        reason = `HTTP ${response.status}`;
      } catch (error) {
        reason = (error as Error).message;
      }
      this.logger.warn({ url, attempt, reason }, 'alert webhook failed');
      if (attempt <= retries) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
    }
    return `failed: ${reason}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.training.close();
    await this.runtimes.close();
  }
}

/**
 * Installs the lifecycle into an open engine. Handlers are registered for every built-in topic
 * the engine does not handle yet (register your own with `engine.handle` first to override one),
 * except `skipTopics`.
 */
export async function installModelLifecycle(engine: Engine, options: ModelLifecycleOptions): Promise<ModelLifecycle> {
  if (!options || typeof options.dataDir !== 'string' || options.dataDir === '') throw new TypeError('installModelLifecycle needs options.dataDir');
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const webhookUrl = options.webhookUrl ?? null;
  if (webhookUrl !== null && !/^https?:\/\//i.test(webhookUrl)) throw new TypeError(`webhookUrl must be an http(s) URL, got '${webhookUrl}'`);
  const resolved: ResolvedOptions = {
    dataDir,
    webhookUrl,
    webhook: { retries: options.webhook?.retries ?? 3, backoffMs: options.webhook?.backoffMs ?? 200, timeoutMs: options.webhook?.timeoutMs ?? 5000 },
    thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
    training: { waitForCompletion: options.training?.waitForCompletion ?? false },
    backtest: {
      modelId: options.backtest?.modelId ? checkId(options.backtest.modelId, 'backtest.modelId') : null,
      stage: (options.backtest?.stage ?? 'PROD').toUpperCase(),
      data: options.backtest?.data ?? 'labelled/{date}.csv',
    },
    fourEyes: { ...options.fourEyes },
    trainers: checkTrainers(options.trainers),
    modelLimits: checkModelLimitOptions(options.modelLimits),
    retrain: {
      onDrift: options.retrain?.onDrift ?? DEFAULT_RETRAIN_POLICY.onDrift,
      cooldownHours: options.retrain?.cooldownHours ?? DEFAULT_RETRAIN_POLICY.cooldownHours,
    },
  };
  if (!(resolved.retrain.cooldownHours >= 0)) throw new TypeError(`retrain.cooldownHours must be a number >= 0, got ${JSON.stringify(options.retrain?.cooldownHours)}`);
  const lifecycle = new ModelLifecycle(engine, resolved, options.logger ?? engine.logger.child({ component: 'mlc' }));
  lifecycle.training.resumeInterrupted();
  const reconciled = lifecycle.registry.reconcile();
  if (reconciled.removedTempFiles > 0 || reconciled.missingArtifacts.length > 0) {
    lifecycle.logger.warn(reconciled, 'model registry reconciled with the data directory');
  }
  await lifecycle.runtimes.restore();

  identityOf(engine).addTaskGuard(approvalGuard(lifecycle));
  identityOf(engine).addVariableGuard(frozenEvidenceGuard(lifecycle));
  const skip = new Set(options.skipTopics ?? []);
  const handlers = builtinHandlers(lifecycle);
  for (const topic of BUILTIN_TOPICS) {
    if (skip.has(topic) || engine.core.services.isHandled(topic)) continue;
    engine.handle(topic, handlers[topic], topic === 'train' && resolved.training.waitForCompletion ? { timeout: 60 * 60_000 } : undefined);
    lifecycle.handledTopics.push(topic);
  }

  if (options.deployProcesses !== false) {
    const dir = bundledProcessesDir();
    const resources = existsSync(dir)
      ? readdirSync(dir).filter((f) => f.endsWith('.bpmn') || f.endsWith('.dmn')).sort().map((name) => ({ name, content: readFileSync(join(dir, name), 'utf8') }))
      : [];
    if (resources.length > 0) await engine.deploy({ name: 'mlc-lifecycle', resources });
  }
  if (options.seedDemo) await seedDemo(lifecycle);
  engine.once('close', () => void lifecycle.close());
  return lifecycle;
}

/** Defaults for the limits not given; each given one must be a positive number. */
function checkModelLimitOptions(given: Partial<ModelLimits> | undefined): ModelLimits {
  const limits = { ...DEFAULT_MODEL_LIMITS, ...given };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0)) throw new TypeError(`modelLimits.${key} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return limits;
}
