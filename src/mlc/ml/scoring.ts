/**
 * Scoring ONNX models with onnxruntime-node, and a hot-swappable holder for
 * the model a deployment is serving.
 *
 * Inputs are validated against the model's own feature schema before they
 * reach onnxruntime, so a caller sees `missing feature "card_age"` instead
 * of a shape error from native code.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { DataError } from './csv.js';
import { InvalidOnnxModelError, ONNX_PROBABILITY_OUTPUT, readOnnxMetadata, type OnnxMetadata } from './onnx-export.js';

/** Rows either as named records (any extra keys, e.g. the label, are ignored) or as arrays in feature order. */
export type ScoringRows = readonly Readonly<Record<string, number>>[] | readonly (readonly number[])[];

export interface ScoringModel {
  session: InferenceSession;
  info: OnnxMetadata;
  inputName: string;
  outputName: string;
  /** Ordered feature names, when the model carries them in metadata. */
  features: string[] | null;
  /** Width of the input, from the feature list or the input's fixed last dimension. */
  featureCount: number | null;
}

/**
 * Validates and loads ONNX bytes into a ready session. Corrupt or
 * unsupported files fail here with an InvalidOnnxModelError naming the
 * problem, never later while serving. (Bad rows at scoring time are a
 * DataError instead: the model is fine, the input is not.)
 */
export async function loadScoringModel(bytes: Uint8Array): Promise<ScoringModel> {
  const signature = describeScoringModel(bytes);
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(bytes);
  } catch (err) {
    throw new InvalidOnnxModelError(`onnxruntime could not load the model: ${(err as Error).message}`);
  }
  return { session, ...signature };
}

/** What a scoring model reads and writes, from its bytes alone (no onnxruntime session). */
export type ScoringSignature = Omit<ScoringModel, 'session'>;

/** Checks the signature (one float input, a float output, consistent feature metadata) without loading the model. */
export function describeScoringModel(bytes: Uint8Array): ScoringSignature {
  const info = readOnnxMetadata(bytes);
  const floatInputs = info.inputs.filter((i) => i.elemType === 'FLOAT');
  if (info.inputs.length !== 1 || floatInputs.length !== 1) {
    throw new InvalidOnnxModelError(
      `unsupported model signature: expected exactly one float input, found ${info.inputs
        .map((i) => `${i.name} (${i.elemType})`)
        .join(', ')}`,
    );
  }
  const input = floatInputs[0];
  const output =
    info.outputs.find((o) => o.name === ONNX_PROBABILITY_OUTPUT) ??
    info.outputs.find((o) => o.name === 'probabilities' && o.elemType === 'FLOAT') ??
    info.outputs.find((o) => o.elemType === 'FLOAT');
  if (!output) throw new InvalidOnnxModelError('unsupported model signature: no float tensor output to read probabilities from');

  const lastDim = input.shape[input.shape.length - 1];
  const fixedWidth = typeof lastDim === 'number' ? lastDim : null;
  if (info.features && fixedWidth !== null && info.features.length !== fixedWidth) {
    throw new InvalidOnnxModelError(
      `inconsistent model: metadata lists ${info.features.length} features but input "${input.name}" has width ${fixedWidth}`,
    );
  }

  return {
    info,
    inputName: input.name,
    outputName: output.name,
    features: info.features,
    featureCount: info.features?.length ?? fixedWidth,
  };
}

/** Builds the [N, F] float32 input, validating every row against the schema. */
export function toInputMatrix(rows: ScoringRows, features: readonly string[] | null, featureCount: number | null): Float32Array {
  const width = featureCount ?? features?.length ?? (Array.isArray(rows[0]) ? rows[0].length : null);
  if (width === null) throw new DataError('model has no feature names; pass rows as arrays in feature order');
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    if (Array.isArray(row)) {
      if (row.length !== width) {
        throw new DataError(`row ${i} has ${row.length} values, expected ${width}${features ? ` (${features.join(', ')})` : ''}`);
      }
      for (let j = 0; j < width; j++) out[i * width + j] = checkValue(row[j], i, features?.[j] ?? `#${j}`);
      return;
    }
    if (!features) throw new DataError('model has no feature names in its metadata; pass rows as arrays in feature order');
    const record = row as Readonly<Record<string, number>>;
    for (let j = 0; j < width; j++) {
      const name = features[j];
      if (!(name in record)) {
        throw new DataError(`row ${i} is missing feature "${name}" (model expects ${features.join(', ')})`, { column: name, missing: [name] });
      }
      out[i * width + j] = checkValue(record[name], i, name);
    }
  });
  return out;
}

function checkValue(v: unknown, row: number, feature: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new DataError(`row ${row}, feature "${feature}": expected a finite number, got ${JSON.stringify(v)}`, { column: feature });
  }
  return v;
}

/** P(positive) per row. */
export async function scoreRows(model: ScoringModel, rows: ScoringRows): Promise<number[]> {
  if (rows.length === 0) return [];
  const data = toInputMatrix(rows, model.features, model.featureCount);
  const values = await runMatrix(model.session, model.inputName, model.outputName, data, rows.length);
  return probabilitiesFrom(values, rows.length, model.outputName);
}

/** One session run over an [n, width] float matrix; the raw values of the output. */
export async function runMatrix(session: InferenceSession, inputName: string, outputName: string, data: Float32Array, n: number): Promise<Float32Array> {
  const results = await session.run({ [inputName]: new Tensor('float32', data, [n, data.length / n]) });
  const out = results[outputName];
  if (!out) throw new Error(`model produced no "${outputName}" output`);
  return out.data as Float32Array;
}

/** P(positive) per row from an output of [N] or [N,1] probabilities, or [N,2] class probabilities (column 1). */
export function probabilitiesFrom(values: Float32Array, n: number, outputName: string): number[] {
  const perRow = values.length / n;
  if (perRow === 1) return Array.from(values);
  if (perRow === 2) return Array.from({ length: n }, (_, i) => values[i * 2 + 1]!);
  throw new Error(`output "${outputName}" has ${perRow} values per row; expected 1 or 2`);
}

export async function releaseScoringModel(model: ScoringModel): Promise<void> {
  await model.session.release();
}

/** A loaded model that scores rows: in this process (loadServingModel) or in a model process of its own. */
export interface ServingModel {
  features: string[] | null;
  featureCount: number | null;
  score(rows: ScoringRows): Promise<number[]>;
  release(): Promise<void>;
}

export type ServingModelLoader = (bytes: Uint8Array) => Promise<ServingModel>;

/** Loads a model into this process's onnxruntime (trusted models: tests, the training worker). */
export async function loadServingModel(bytes: Uint8Array): Promise<ServingModel> {
  const model = await loadScoringModel(bytes);
  return {
    features: model.features,
    featureCount: model.featureCount,
    score: (rows) => scoreRows(model, rows),
    release: () => releaseScoringModel(model),
  };
}

interface Slot {
  model: ServingModel;
  version: number;
  label: string | undefined;
  inFlight: number;
  retired: boolean;
}

export interface HotSwapStatus {
  version: number;
  label: string | undefined;
  features: string[] | null;
}

/**
 * The model a deployment serves, replaceable without downtime.
 *
 * - `load` builds and warms the new model completely before a single
 *   reference assignment makes it current; a failing load throws and leaves
 *   the old model serving.
 * - Each `score` call pins the model current when it starts, so requests
 *   already running finish on the old model; the old one is released
 *   only when its last in-flight request completes.
 * - Loads are serialised, so concurrent deploys apply in call order.
 *
 * `loader` decides where models run (default: in this process).
 */
export class HotSwapModel {
  #current: Slot | null = null;
  #version = 0;
  #loading: Promise<unknown> = Promise.resolve();

  constructor(private readonly loader: ServingModelLoader = loadServingModel) {}

  /** Version of the serving model (increments per successful load); 0 when none. */
  get version(): number {
    return this.#current?.version ?? 0;
  }

  get status(): HotSwapStatus | null {
    const c = this.#current;
    return c ? { version: c.version, label: c.label, features: c.model.features } : null;
  }

  /**
   * Loads `bytes` and swaps it in; resolves with the new status. `label` is free text (e.g.
   * "fraud v7"); `loader` overrides the holder's for this model.
   */
  load(bytes: Uint8Array, label?: string, loader: ServingModelLoader = this.loader): Promise<HotSwapStatus> {
    const run = this.#loading.then(
      () => this.#load(bytes, label, loader),
      () => this.#load(bytes, label, loader),
    );
    this.#loading = run.catch(() => undefined);
    return run;
  }

  async #load(bytes: Uint8Array, label: string | undefined, loader: ServingModelLoader): Promise<HotSwapStatus> {
    const model = await loader(bytes);
    try {
      // Warm-up: one real run proves the graph executes before it goes live.
      if (model.featureCount !== null) await model.score([new Array<number>(model.featureCount).fill(0)]);
    } catch (err) {
      await model.release().catch(() => undefined);
      throw new InvalidOnnxModelError(`model failed its warm-up run: ${(err as Error).message}`);
    }
    const previous = this.#current;
    this.#current = { model, version: ++this.#version, label, inFlight: 0, retired: false };
    if (previous) this.#retire(previous);
    return { version: this.#current.version, label, features: model.features };
  }

  async score(rows: ScoringRows): Promise<number[]> {
    const slot = this.#current;
    if (!slot) throw new Error('no model loaded');
    slot.inFlight++;
    try {
      return await slot.model.score(rows);
    } finally {
      slot.inFlight--;
      if (slot.retired && slot.inFlight === 0) void slot.model.release().catch(() => undefined);
    }
  }

  /** Stops serving and releases the model once in-flight requests finish. */
  async close(): Promise<void> {
    await this.#loading;
    const slot = this.#current;
    this.#current = null;
    if (slot) this.#retire(slot);
  }

  #retire(slot: Slot): void {
    slot.retired = true;
    if (slot.inFlight === 0) void slot.model.release().catch(() => undefined);
  }
}
