/**
 * The model registry: models, their versions with ONNX artifacts on disk
 * (`<dataDir>/models/<modelId>/<n>.onnx`, sha256 recorded), and the legal status moves of a
 * version, each recorded as a version event (who, which process instance, when).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock } from '../../runtime/timers/index.js';
import type { ModelRecord, RegistryStore, VersionEventRecord, VersionRecord } from '../../store/registry-store.js';
import { InvalidOnnxModelError, loadScoringModel, releaseScoringModel } from '../ml/index.js';
import { badRequest, conflict, invalidModel, notFound } from '../errors.js';
import { checkId, relativeToData, resolveInside } from './ids.js';
import { canMove, isVersionStatus, legalMoves, type VersionStatus } from './status.js';

export interface ModelInput {
  id: string;
  name?: string;
  /** model type, e.g. "fraud", "credit-risk": routes approvals */
  type?: string;
  ownerGroup?: string | null;
  /**
   * free metadata; understood keys: requiresTraining (boolean), approvalGroup (string), riskTier (high | medium | low),
   * runtimeTags (string[]), deployStage (DEV | QA | PROD), requiredCapability (string),
   * trainingData / testData (paths inside dataDir), features (string[]), label (string),
   * trainingCommand (string[]), trainingTimeoutMs (number), thresholds ({minAccuracy, minAuc, maxPsi})
   */
  metadata?: Record<string, unknown>;
}

export interface VersionInput {
  /** the ONNX bytes (an upload) … */
  bytes?: Uint8Array;
  /** … or a path inside the data directory */
  path?: string;
  trainingData?: string | null;
  hyperParameters?: Record<string, unknown> | null;
  trainingMetrics?: Record<string, unknown> | null;
  baseline?: unknown;
  description?: string | null;
  createdByInstance?: string | null;
  actor?: string | null;
}

export interface TransitionOptions {
  instanceId?: string | null;
  actor?: string | null;
  reason?: string | null;
  data?: Record<string, unknown>;
}

export class ModelRegistry {
  constructor(
    private readonly store: RegistryStore,
    readonly dataDir: string,
    private readonly clock: Clock,
  ) {}

  // ---------------------------------------------------------------- models

  createModel(input: ModelInput): ModelRecord {
    const id = checkId(input.id, 'model id');
    if (this.store.model(id)) throw conflict(`model '${id}' already exists`);
    const model: ModelRecord = {
      id,
      name: input.name ?? id,
      type: input.type ?? 'default',
      ownerGroup: input.ownerGroup ?? null,
      metadata: input.metadata ?? {},
      createdAt: this.clock.now(),
    };
    this.store.insertModel(model);
    return model;
  }

  updateModel(id: string, patch: Partial<Omit<ModelInput, 'id'>>): ModelRecord {
    const current = this.model(id);
    const next: ModelRecord = {
      ...current,
      name: patch.name ?? current.name,
      type: patch.type ?? current.type,
      ownerGroup: patch.ownerGroup === undefined ? current.ownerGroup : patch.ownerGroup,
      metadata: patch.metadata === undefined ? current.metadata : { ...current.metadata, ...patch.metadata },
    };
    this.store.updateModel(next);
    return next;
  }

  model(id: string): ModelRecord {
    const model = this.store.model(checkId(id, 'model id'));
    if (!model) throw notFound(`no model '${id}'`);
    return model;
  }

  findModel(id: string): ModelRecord | undefined {
    return this.store.model(id);
  }

  models(): ModelRecord[] {
    return this.store.models();
  }

  // ---------------------------------------------------------------- versions

  /**
   * Validates the ONNX model (it must load in onnxruntime), stores it as the next version and
   * records its feature schema. A corrupt file throws 400 InvalidModel and leaves nothing behind.
   */
  async registerVersion(modelId: string, input: VersionInput): Promise<VersionRecord> {
    const model = this.model(modelId);
    let bytes: Uint8Array;
    if (input.bytes) bytes = input.bytes;
    else if (input.path !== undefined) {
      const full = resolveInside(this.dataDir, input.path, 'model path');
      try {
        bytes = readFileSync(full);
      } catch {
        throw badRequest(`cannot read model file '${input.path}' inside the data directory`);
      }
    } else throw badRequest('a version needs the ONNX file (multipart field "model") or a "path" inside the data directory');
    if (input.trainingData !== undefined && input.trainingData !== null) resolveInside(this.dataDir, input.trainingData, 'trainingData');

    let features: string[] | null;
    let inputSchema: unknown;
    try {
      const loaded = await loadScoringModel(bytes);
      features = loaded.features;
      inputSchema = { inputs: loaded.info.inputs, outputs: loaded.info.outputs, featureCount: loaded.featureCount, metadata: loaded.info.metadata };
      await releaseScoringModel(loaded).catch(() => undefined);
    } catch (error) {
      if (error instanceof InvalidOnnxModelError) throw invalidModel(`model '${model.id}': ${error.message}`);
      throw invalidModel(`model '${model.id}': ${(error as Error).message}`);
    }

    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // number, file and row are claimed together; a racing registration gets the next number
    for (;;) {
      const version = this.store.nextVersionNumber(model.id);
      const artifact = join(this.dataDir, 'models', model.id, `${version}.onnx`);
      const now = this.clock.now();
      const record: VersionRecord = {
        modelId: model.id,
        version,
        status: 'registered',
        artifact: relativeToData(this.dataDir, artifact),
        sha256,
        size: bytes.byteLength,
        features,
        inputSchema,
        trainingData: input.trainingData ?? null,
        hyperParameters: input.hyperParameters ?? null,
        trainingMetrics: input.trainingMetrics ?? null,
        baseline: input.baseline ?? null,
        description: input.description ?? null,
        createdByInstance: input.createdByInstance ?? null,
        createdAt: now,
        updatedAt: now,
      };
      mkdirSync(dirname(artifact), { recursive: true });
      const temp = `${artifact}.${randomUUID()}.tmp`;
      writeFileSync(temp, bytes);
      try {
        this.store.transaction(() => {
          this.store.insertVersion(record);
          this.store.insertEvent({
            modelId: model.id, version, kind: 'registered', fromStatus: null, toStatus: 'registered',
            instanceId: record.createdByInstance, actor: input.actor ?? null, at: now, data: { sha256, size: bytes.byteLength },
          });
        });
      } catch (error) {
        rmSync(temp, { force: true });
        if (/UNIQUE|PRIMARY KEY/i.test(String(error))) continue;
        throw error;
      }
      renameSync(temp, artifact);
      return record;
    }
  }

  version(modelId: string, version: number): VersionRecord {
    const record = this.store.version(checkId(modelId, 'model id'), version);
    if (!record) throw notFound(`model '${modelId}' has no version ${version}`);
    return record;
  }

  versions(modelId: string): VersionRecord[] {
    this.model(modelId);
    return this.store.versions(modelId);
  }

  latestVersion(modelId: string): VersionRecord | undefined {
    const all = this.store.versions(modelId);
    return all[all.length - 1];
  }

  artifactPath(v: VersionRecord): string {
    return resolveInside(this.dataDir, v.artifact, 'artifact');
  }

  readArtifact(v: VersionRecord): Uint8Array {
    const bytes = readFileSync(this.artifactPath(v));
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== v.sha256) throw invalidModel(`artifact of ${v.modelId} v${v.version} was modified on disk (sha256 ${sha} ≠ ${v.sha256})`);
    return bytes;
  }

  events(modelId: string, version: number): VersionEventRecord[] {
    return this.store.events(modelId, version);
  }

  /** A legal status move, recorded; an illegal one throws 409 naming the legal moves. */
  transition(modelId: string, version: number, to: string, options: TransitionOptions = {}): VersionRecord {
    if (!isVersionStatus(to)) throw badRequest(`unknown status '${to}'`);
    const current = this.version(modelId, version);
    const from = current.status as VersionStatus;
    if (from === to) return current;
    if (!canMove(from, to)) {
      const legal = legalMoves(from);
      throw conflict(`model '${modelId}' v${version} is ${from}; it cannot become ${to} (legal: ${legal.length ? legal.join(', ') : 'none, it is final'})`);
    }
    const now = this.clock.now();
    this.store.transaction(() => {
      if (!this.store.setStatus(modelId, version, from, to, now)) throw conflict(`model '${modelId}' v${version} changed status concurrently`);
      this.store.insertEvent({
        modelId, version, kind: 'status', fromStatus: from, toStatus: to, instanceId: options.instanceId ?? null,
        actor: options.actor ?? null, at: now, data: options.reason || options.data ? { ...options.data, ...(options.reason ? { reason: options.reason } : {}) } : null,
      });
    });
    return this.version(modelId, version);
  }

  /** Records something that happened to a version without changing its status (a test, a failed deployment). */
  note(modelId: string, version: number, kind: string, options: TransitionOptions = {}): void {
    this.store.insertEvent({
      modelId, version, kind, fromStatus: null, toStatus: null, instanceId: options.instanceId ?? null,
      actor: options.actor ?? null, at: this.clock.now(), data: options.data ?? (options.reason ? { reason: options.reason } : null),
    });
  }
}
