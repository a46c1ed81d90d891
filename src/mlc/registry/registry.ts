/**
 * The model registry: models, their versions with ONNX artifacts on disk
 * (`<dataDir>/models/<modelId>/<n>.onnx`, sha256 recorded), and the legal status moves of a
 * version, each recorded as a version event (who, which process instance, when).
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../runtime/timers/index.js';
import type { ModelRecord, RegistryStore, VersionEventRecord, VersionRecord } from '../../store/registry-store.js';
import { DEFAULT_MODEL_LIMITS, InvalidOnnxModelError, IsolatedModel, ModelRunawayError, type ModelLimits, type ServingModelLoader } from '../ml/index.js';
import { badRequest, conflict, invalidModel, notFound } from '../errors.js';
import { ConcurrencyGate } from '../ml/concurrency-gate.js';
import { checkId, relativeToData, resolveInside } from './ids.js';
import { TRAINING_COMMAND_REFUSED } from '../training/trainers.js';
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
   * trainer (the name of an operator-configured trainer), trainingTimeoutMs (number),
   * thresholds ({minAccuracy, minAuc, maxPsi}). `trainingCommand` is refused: commands come only
   * from the server configuration.
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

/** Uploads checked in model processes at once; more wait (each process may use `memoryMb`). */
const CONCURRENT_UPLOAD_CHECKS = 2;

export class ModelRegistry {
  private readonly uploadChecks = new ConcurrencyGate(CONCURRENT_UPLOAD_CHECKS);

  constructor(
    private readonly store: RegistryStore,
    readonly dataDir: string,
    private readonly clock: Clock,
    readonly limits: ModelLimits = DEFAULT_MODEL_LIMITS,
  ) {}

  /** Where a model's artifacts live; its model processes work there, so external data can only name files inside it. */
  modelFolder(modelId: string): string {
    const folder = join(this.dataDir, 'models', checkId(modelId, 'model id'));
    mkdirSync(folder, { recursive: true });
    return folder;
  }

  /** Loads models of `modelId` into model processes of their own, killed when `signal` aborts. */
  loader(modelId: string, signal?: AbortSignal): ServingModelLoader {
    return (bytes) => IsolatedModel.load(bytes, { limits: this.limits, folder: this.modelFolder(modelId), signal });
  }

  // ---------------------------------------------------------------- models

  createModel(input: ModelInput): ModelRecord {
    const id = checkId(input.id, 'model id');
    checkMetadata(input.metadata);
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
    checkMetadata(patch.metadata);
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
      // checked against the limits, then loaded in a model process of its own: an upload never runs here
      const loaded = await this.uploadChecks.run(async () => {
        const isolated = await IsolatedModel.load(bytes, { limits: this.limits, folder: this.modelFolder(model.id) });
        await isolated.release();
        return isolated;
      });
      const { info, featureCount } = loaded.signature;
      features = loaded.features;
      inputSchema = { inputs: info.inputs, outputs: info.outputs, featureCount, metadata: info.metadata };
    } catch (error) {
      if (error instanceof InvalidOnnxModelError || error instanceof ModelRunawayError) throw invalidModel(`model '${model.id}': ${error.message}`);
      throw error;
    }

    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // The file is durable under its final name before the row commits: a crash in between leaves
    // a file no row names (the next registration of that number overwrites it), never a row
    // without its file. A crash while writing leaves a `.tmp` file, removed by reconcile().
    const folder = this.modelFolder(model.id);
    const temp = join(folder, `upload-${randomUUID()}.tmp`);
    writeDurably(temp, bytes);
    try {
      return this.commitVersion(model.id, temp, sha256, bytes.byteLength, features, inputSchema, input);
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /** Synchronous from number to commit, so registrations in this process cannot interleave. */
  private commitVersion(
    modelId: string, temp: string, sha256: string, size: number, features: string[] | null, inputSchema: unknown, input: VersionInput,
  ): VersionRecord {
    for (;;) {
      let record: VersionRecord | undefined;
      let artifact: string | undefined;
      try {
        // number, file and row under one transaction: on PostgreSQL the number is taken under the
        // model's version lock, held until the commit, so two engine nodes sharing the folder never
        // rename their uploads onto one file name
        this.store.transaction(() => {
          const version = this.store.nextVersionNumber(modelId);
          artifact = join(this.dataDir, 'models', modelId, `${version}.onnx`);
          const now = this.clock.now();
          record = {
            modelId,
            version,
            status: 'registered',
            artifact: relativeToData(this.dataDir, artifact),
            sha256,
            size,
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
          renameSync(temp, artifact);
          this.store.insertVersion(record);
          this.store.insertEvent({
            modelId, version, kind: 'registered', fromStatus: null, toStatus: 'registered',
            instanceId: record.createdByInstance, actor: input.actor ?? null, at: now, data: { sha256, size },
          });
        });
      } catch (error) {
        // an engine without the lock (another database file on a shared folder) took the number: take the file back and try the next one
        if (artifact && existsSync(artifact) && !existsSync(temp) && /UNIQUE|PRIMARY KEY/i.test(String(error))) {
          renameSync(artifact, temp);
          continue;
        }
        if (artifact && !existsSync(temp)) rmSync(artifact, { force: true });
        throw error;
      }
      return record!;
    }
  }

  /**
   * At startup: removes `.tmp` files an interrupted upload left behind, and records a version
   * event `artifactMissing` (once) for every version whose file is gone, so it shows in the
   * version's history; reading such an artifact fails with that reason.
   */
  reconcile(): { removedTempFiles: number; missingArtifacts: string[] } {
    let removedTempFiles = 0;
    const modelsDir = join(this.dataDir, 'models');
    if (existsSync(modelsDir)) {
      for (const entry of readdirSync(modelsDir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        for (const file of readdirSync(join(modelsDir, entry.name))) {
          if (!file.endsWith('.tmp')) continue;
          rmSync(join(modelsDir, entry.name, file), { force: true });
          removedTempFiles++;
        }
      }
    }
    const missingArtifacts: string[] = [];
    for (const model of this.store.models()) {
      for (const v of this.store.versions(model.id)) {
        if (existsSync(join(this.dataDir, v.artifact))) continue;
        missingArtifacts.push(`${v.modelId} v${v.version}`);
        const events = this.store.events(v.modelId, v.version);
        if (events[events.length - 1]?.kind !== 'artifactMissing') {
          this.note(v.modelId, v.version, 'artifactMissing', { data: { artifact: v.artifact } });
        }
      }
    }
    return { removedTempFiles, missingArtifacts };
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
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.artifactPath(v));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw invalidModel(`the artifact of ${v.modelId} v${v.version} (${v.artifact}) is missing from the data directory`);
      throw error;
    }
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

  /**
   * A rollback (the compensation of a deployment) puts back the version that deployment retired:
   * retired → deployed, outside the usual moves, recorded as a status event with the reason.
   */
  reinstate(modelId: string, version: number, options: TransitionOptions = {}): VersionRecord {
    const current = this.version(modelId, version);
    if (current.status !== 'retired') throw conflict(`model '${modelId}' v${version} is ${current.status}; only a retired version can be reinstated`);
    const now = this.clock.now();
    this.store.transaction(() => {
      if (!this.store.setStatus(modelId, version, 'retired', 'deployed', now)) throw conflict(`model '${modelId}' v${version} changed status concurrently`);
      this.store.insertEvent({
        modelId, version, kind: 'status', fromStatus: 'retired', toStatus: 'deployed', instanceId: options.instanceId ?? null,
        actor: options.actor ?? null, at: now, data: { reinstated: true, ...(options.reason ? { reason: options.reason } : {}) },
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

/** Writes and fsyncs, so the bytes are on disk before anything refers to them. */
function writeDurably(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes.byteLength; ) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Model metadata is data: it may not carry a command to run. */
function checkMetadata(metadata: Record<string, unknown> | undefined): void {
  if (metadata && metadata.trainingCommand !== undefined) throw badRequest(TRAINING_COMMAND_REFUSED);
  if (metadata && metadata.trainer !== undefined && metadata.trainer !== null && typeof metadata.trainer !== 'string') {
    throw badRequest(`metadata.trainer must be the name of a configured trainer, got ${JSON.stringify(metadata.trainer)}`);
  }
}
