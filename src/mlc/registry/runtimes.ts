/**
 * Scoring runtimes: named targets with a stage (DEV / QA / PROD), tags and capabilities, each
 * serving one model version through a HotSwapModel, so a deployment replaces the model with no
 * downtime and a failed load leaves the previous model serving.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../runtime/timers/index.js';
import { secondsSince, type EngineObserver } from '../../runtime/engine-observer.js';
import type { DeploymentRecord, RegistryStore, RuntimeRecord, VersionRecord } from '../../store/registry-store.js';
import { DataError, HotSwapModel, InvalidOnnxModelError, ModelRunawayError, type ScoringRows } from '../ml/index.js';
import { badRequest, conflict, MlcError, notFound } from '../errors.js';
import { checkId } from './ids.js';
import type { ModelRegistry } from './registry.js';

export const STAGES = ['DEV', 'QA', 'PROD'] as const;
export type Stage = (typeof STAGES)[number];

export interface RuntimeInput {
  name: string;
  stage: string;
  tags?: string[];
  capabilities?: string[];
  /** the features callers of this runtime send; a model needing others cannot be deployed here */
  features?: string[] | null;
  description?: string | null;
}

export interface RuntimeQuery {
  stage?: string;
  tags?: readonly string[];
  capability?: string | null;
}

/** Why a deployment cannot happen; the deploy handler turns it into BpmnError('DEPLOY_FAILED'). */
export class DeployError extends MlcError {
  constructor(message: string) {
    super(422, 'DeployFailed', message);
  }
}

export interface ScoreResult {
  runtime: string;
  modelId: string;
  version: number;
  predictions: { probability: number; label: number }[];
}

export class RuntimeManager {
  private readonly serving = new Map<string, HotSwapModel>();

  constructor(
    private readonly store: RegistryStore,
    private readonly registry: ModelRegistry,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly observer?: Pick<EngineObserver, 'scored'>,
  ) {}

  upsert(input: RuntimeInput): RuntimeRecord {
    const name = checkId(input.name, 'runtime name');
    const stage = String(input.stage ?? '').toUpperCase();
    if (!(STAGES as readonly string[]).includes(stage)) throw badRequest(`runtime stage must be one of ${STAGES.join(', ')}, got ${JSON.stringify(input.stage)}`);
    const existing = this.store.runtime(name);
    const record: RuntimeRecord = {
      name,
      stage,
      tags: [...new Set(input.tags ?? [])],
      capabilities: [...new Set(input.capabilities ?? [])],
      features: input.features ?? null,
      description: input.description ?? null,
      createdAt: existing?.createdAt ?? this.clock.now(),
    };
    this.store.upsertRuntime(record);
    return record;
  }

  get(name: string): RuntimeRecord {
    const runtime = this.store.runtime(checkId(name, 'runtime name'));
    if (!runtime) throw notFound(`no runtime '${name}'`);
    return runtime;
  }

  list(): RuntimeRecord[] {
    return this.store.runtimes();
  }

  async remove(name: string): Promise<void> {
    this.get(name);
    if (this.store.activeDeploymentOn(name)) throw conflict(`runtime '${name}' serves a model; undeploy it first`);
    this.store.deleteRuntime(name);
    await this.serving.get(name)?.close();
    this.serving.delete(name);
  }

  /** Runtimes of the stage carrying every tag and the capability, by name. */
  find(query: RuntimeQuery): RuntimeRecord[] {
    const stage = query.stage?.toUpperCase();
    const tags = query.tags ?? [];
    return this.store.runtimes().filter((r) =>
      (stage === undefined || r.stage === stage) &&
      tags.every((t) => r.tags.includes(t)) &&
      (!query.capability || r.capabilities.includes(query.capability)),
    );
  }

  status(name: string): { runtime: RuntimeRecord; deployment: DeploymentRecord | null; loaded: boolean } {
    const runtime = this.get(name);
    return { runtime, deployment: this.store.activeDeploymentOn(name) ?? null, loaded: (this.serving.get(name)?.version ?? 0) > 0 };
  }

  /** Null when the version can be served by the runtime, else the reason it cannot. */
  schemaMismatch(runtime: RuntimeRecord, version: VersionRecord): string | null {
    if (!runtime.features) return null;
    if (!version.features) {
      const width = (version.inputSchema as { featureCount?: number | null } | null)?.featureCount ?? null;
      if (width !== null && width !== runtime.features.length) {
        return `model ${version.modelId} v${version.version} takes ${width} unnamed inputs but runtime '${runtime.name}' provides ${runtime.features.length} (${runtime.features.join(', ')})`;
      }
      return null;
    }
    const missing = version.features.filter((f) => !runtime.features!.includes(f));
    if (missing.length > 0) {
      return `input schema mismatch: model ${version.modelId} v${version.version} needs ${missing.map((m) => `"${m}"`).join(', ')} which runtime '${runtime.name}' does not provide (runtime features: ${runtime.features.join(', ')})`;
    }
    return null;
  }

  /**
   * Loads the version into the runtime (hot swap). Throws DeployError when the schema does not
   * match or the model fails to load; the runtime then keeps serving what it served.
   */
  async load(runtimeName: string, version: VersionRecord): Promise<RuntimeRecord> {
    const runtime = this.get(runtimeName);
    const mismatch = this.schemaMismatch(runtime, version);
    if (mismatch) throw new DeployError(mismatch);
    let bytes: Uint8Array;
    try {
      bytes = this.registry.readArtifact(version);
    } catch (error) {
      throw new DeployError(`cannot read the artifact of ${version.modelId} v${version.version}: ${(error as Error).message}`);
    }
    try {
      await this.holder(runtime.name).load(bytes, `${version.modelId} v${version.version}`, this.registry.loader(version.modelId));
    } catch (error) {
      const reason = error instanceof InvalidOnnxModelError ? error.message : String((error as Error).message ?? error);
      throw new DeployError(`runtime '${runtime.name}' could not load ${version.modelId} v${version.version}: ${reason}`);
    }
    this.logger.info({ runtime: runtime.name, modelId: version.modelId, version: version.version }, 'model loaded');
    return runtime;
  }

  /** Records that the runtime now serves the version (ending its previous deployment). Synchronous: call it inside a transaction. */
  recordDeployment(runtime: RuntimeRecord, version: VersionRecord, instanceId: string | null): DeploymentRecord {
    const deployment: DeploymentRecord = {
      id: randomUUID(),
      modelId: version.modelId,
      version: version.version,
      runtime: runtime.name,
      stage: runtime.stage,
      status: 'active',
      instanceId,
      deployedAt: this.clock.now(),
      endedAt: null,
    };
    this.store.insertDeployment(deployment);
    return deployment;
  }

  /** The deployment currently active on a runtime. */
  active(runtimeName: string): DeploymentRecord | undefined {
    return this.store.activeDeploymentOn(runtimeName);
  }

  /** Stops serving on the runtime. */
  async undeploy(runtimeName: string): Promise<void> {
    this.get(runtimeName);
    this.store.endDeploymentsOn(runtimeName, 'undeployed', this.clock.now());
    await this.serving.get(runtimeName)?.close();
    this.serving.delete(runtimeName);
  }

  /** Scores rows on whatever the runtime serves now. */
  async score(runtimeName: string, rows: ScoringRows): Promise<ScoreResult> {
    const runtime = this.get(runtimeName);
    const deployment = this.store.activeDeploymentOn(runtime.name);
    const holder = this.serving.get(runtime.name);
    if (!deployment || !holder || holder.version === 0) throw conflict(`runtime '${runtime.name}' serves no model yet`);
    let probabilities: number[];
    const started = performance.now();
    try {
      probabilities = await holder.score(rows);
      this.observer?.scored(runtime.name, 'ok', secondsSince(started));
    } catch (error) {
      this.observer?.scored(runtime.name, 'error', secondsSince(started));
      if (error instanceof DataError) throw badRequest(error.message);
      // the next request gets a fresh model process (IsolatedModel restarts it)
      if (error instanceof ModelRunawayError) throw new MlcError(503, 'ModelStopped', `runtime '${runtime.name}' stopped its model for this request: ${error.message}`);
      throw error;
    }
    return {
      runtime: runtime.name,
      modelId: deployment.modelId,
      version: deployment.version,
      predictions: probabilities.map((p) => ({ probability: p, label: p >= 0.5 ? 1 : 0 })),
    };
  }

  /** After a restart: load every active deployment back into its runtime. */
  async restore(): Promise<void> {
    for (const d of this.store.activeDeployments()) {
      try {
        const version = this.registry.version(d.modelId, d.version);
        await this.holder(d.runtime).load(this.registry.readArtifact(version), `${d.modelId} v${d.version}`, this.registry.loader(d.modelId));
      } catch (error) {
        this.logger.warn({ runtime: d.runtime, modelId: d.modelId, version: d.version, err: String(error) }, 'could not restore a deployment');
      }
    }
  }

  async close(): Promise<void> {
    for (const holder of this.serving.values()) await holder.close().catch(() => undefined);
    this.serving.clear();
  }

  private holder(name: string): HotSwapModel {
    let holder = this.serving.get(name);
    // every load passes registry.loader(modelId): models are untrusted and run in model processes of their own
    if (!holder) this.serving.set(name, (holder = new HotSwapModel()));
    return holder;
  }
}
