/**
 * Export a LogisticModel as a standard ONNX model, and read back the parts
 * of any uploaded ONNX file the engine needs to validate it.
 *
 * Why ONNX rather than our own JSON: the deployed artefact is then scored by
 * onnxruntime in the engine, in a bundled scoring runtime, or in any other
 * ONNX runtime, with no mlc-engine code involved, and a model trained
 * elsewhere (sklearn via skl2onnx, PyTorch) can be uploaded to the same
 * registry.
 *
 * The graph keeps standardisation inside the model, so callers always send
 * raw feature values:
 *
 *   float_input [N,F] -> Sub(mean) -> Div(std) -> MatMul(W[F,1]) -> Add(b)
 *     -> Sigmoid -> probability [N,1]
 *                    \-> Greater(0.5) -> Cast(int64) -> label [N,1]
 *
 * Encoding uses the `onnx-proto` package (the compiled official onnx.proto3
 * message classes for protobufjs), so no hand-written schema can drift from
 * the spec.
 */
import onnxProto from 'onnx-proto';
import type { LogisticModel } from './logistic-regression.js';

const { onnx } = onnxProto;

export const ONNX_INPUT_NAME = 'float_input';
export const ONNX_PROBABILITY_OUTPUT = 'probability';
export const ONNX_LABEL_OUTPUT = 'label';
/** metadata_props key holding the ordered feature names as a JSON array. */
export const FEATURES_METADATA_KEY = 'mlc.features';
export const MODEL_KIND_METADATA_KEY = 'mlc.model_kind';

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 13;

export interface OnnxExportOptions {
  /** Extra metadata_props (training data, quarter, metrics, ...). Values are stored as strings. */
  metadata?: Record<string, string | number | boolean>;
  /** Also emit the `label` output (probability > threshold as int64); default true. */
  includeLabel?: boolean;
  /** Threshold for `label`; default 0.5. */
  threshold?: number;
  /** ModelProto.model_version (e.g. the registry version number). */
  modelVersion?: number;
  /** Model/graph name; default "mlc_logistic_regression". */
  name?: string;
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function floatTensor(name: string, dims: number[], values: readonly number[]): InstanceType<typeof onnx.TensorProto> {
  // raw_data is the little-endian byte image; Float32Array is little-endian
  // on every platform Node supports, and onnxruntime reads raw_data fastest.
  const data = Float32Array.from(values);
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  });
}

/** Serialises `model` to ONNX bytes. */
export function exportLogisticRegressionToOnnx(model: LogisticModel, options: OnnxExportOptions = {}): Uint8Array {
  const { includeLabel = true, threshold = 0.5, name = 'mlc_logistic_regression' } = options;
  const f = model.features.length;
  if (f === 0) throw new Error('cannot export a model with no features');
  for (const [key, arr] of [['mean', model.mean], ['std', model.std], ['weights', model.weights]] as const) {
    if (arr.length !== f) throw new Error(`model.${key} has ${arr.length} values, expected ${f}`);
  }

  const nodes = [
    onnx.NodeProto.create({ opType: 'Sub', input: [ONNX_INPUT_NAME, 'mean'], output: ['centred'], name: 'centre' }),
    onnx.NodeProto.create({ opType: 'Div', input: ['centred', 'std'], output: ['standardised'], name: 'scale' }),
    onnx.NodeProto.create({ opType: 'MatMul', input: ['standardised', 'weights'], output: ['linear'], name: 'dot' }),
    onnx.NodeProto.create({ opType: 'Add', input: ['linear', 'bias'], output: ['logit'], name: 'add_bias' }),
    onnx.NodeProto.create({ opType: 'Sigmoid', input: ['logit'], output: [ONNX_PROBABILITY_OUTPUT], name: 'sigmoid' }),
  ];
  const initializer = [
    floatTensor('mean', [f], model.mean),
    floatTensor('std', [f], model.std),
    floatTensor('weights', [f, 1], model.weights),
    floatTensor('bias', [1], [model.bias]),
  ];
  const output = [valueInfo(ONNX_PROBABILITY_OUTPUT, FLOAT, ['N', 1])];
  if (includeLabel) {
    initializer.push(floatTensor('threshold', [], [threshold]));
    nodes.push(
      onnx.NodeProto.create({ opType: 'Greater', input: [ONNX_PROBABILITY_OUTPUT, 'threshold'], output: ['is_positive'], name: 'decide' }),
      onnx.NodeProto.create({
        opType: 'Cast',
        input: ['is_positive'],
        output: [ONNX_LABEL_OUTPUT],
        name: 'to_label',
        attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: INT64 }],
      }),
    );
    output.push(valueInfo(ONNX_LABEL_OUTPUT, INT64, ['N', 1]));
  }

  const metadata: Record<string, string> = {
    [MODEL_KIND_METADATA_KEY]: 'logistic-regression',
    [FEATURES_METADATA_KEY]: JSON.stringify(model.features),
  };
  for (const [k, v] of Object.entries(options.metadata ?? {})) metadata[k] = String(v);

  const proto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'mlc-engine',
    producerVersion: '0.1.0',
    modelVersion: options.modelVersion ?? 1,
    docString: `Logistic regression over ${model.features.join(', ')}; input is raw (unstandardised) feature values.`,
    graph: {
      name,
      node: nodes,
      initializer,
      input: [valueInfo(ONNX_INPUT_NAME, FLOAT, ['N', f])],
      output,
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}

export interface OnnxTensorInfo {
  name: string;
  /** ONNX TensorProto.DataType name, e.g. "FLOAT"; "UNKNOWN" for non-tensor types. */
  elemType: string;
  /** Fixed sizes as numbers, symbolic ones as their name, unknown as null. */
  shape: (number | string | null)[];
}

export interface OnnxMetadata {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  modelVersion: number;
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
  metadata: Record<string, string>;
  /** Ordered feature names from metadata, when the model was exported by mlc-engine (or follows its convention). */
  features: string[] | null;
}

/** An uploaded file that is not a usable ONNX model. */
export class InvalidOnnxModelError extends Error {
  override name = 'InvalidOnnxModelError';
}

const toNumber = (v: number | { toNumber(): number } | null | undefined): number =>
  v == null ? 0 : typeof v === 'number' ? v : v.toNumber();

/**
 * Decodes the ModelProto header and graph signature without running it, for
 * validating uploads before they reach the registry. Throws
 * InvalidOnnxModelError with the reason for anything that is not an ONNX
 * model with a graph and at least one input and output.
 */
export function readOnnxMetadata(bytes: Uint8Array): OnnxMetadata {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
    throw new InvalidOnnxModelError('not an ONNX model: the file is empty');
  }
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new InvalidOnnxModelError(
      `not an ONNX model: the bytes are not a valid ONNX ModelProto (${(err as Error).message})`,
    );
  }
  // Protobuf decoding is permissive: arbitrary bytes can parse as a message
  // with only unknown fields, so also require the parts every model has.
  const irVersion = toNumber(model.irVersion);
  if (irVersion <= 0) throw new InvalidOnnxModelError('not an ONNX model: ir_version is missing');
  if (!model.graph) throw new InvalidOnnxModelError('not an ONNX model: it has no graph');
  const graph = model.graph;
  const initialisers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  // Before IR 4, initialisers were also listed as inputs; those are not real inputs.
  const inputs = (graph.input ?? []).filter((v) => !initialisers.has(v.name ?? '')).map(tensorInfo);
  const outputs = (graph.output ?? []).map(tensorInfo);
  if (inputs.length === 0) throw new InvalidOnnxModelError('invalid ONNX model: the graph has no inputs');
  if (outputs.length === 0) throw new InvalidOnnxModelError('invalid ONNX model: the graph has no outputs');

  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps) metadata[p.key ?? ''] = p.value ?? '';
  return {
    irVersion,
    opsets: model.opsetImport.map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) })),
    producerName: model.producerName,
    modelVersion: toNumber(model.modelVersion),
    inputs,
    outputs,
    metadata,
    features: parseFeatures(metadata[FEATURES_METADATA_KEY]),
  };
}

function tensorInfo(v: onnxProto.onnx.IValueInfoProto): OnnxTensorInfo {
  const tensor = v.type?.tensorType;
  const elemType = tensor ? (onnx.TensorProto.DataType[tensor.elemType ?? 0] ?? 'UNDEFINED') : 'UNKNOWN';
  const shape = (tensor?.shape?.dim ?? []).map((d) =>
    d.dimParam ? d.dimParam : d.dimValue != null && toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : null,
  );
  return { name: v.name ?? '', elemType: String(elemType), shape };
}

function parseFeatures(raw: string | undefined): string[] | null {
  if (raw === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidOnnxModelError(`invalid ONNX model metadata: "${FEATURES_METADATA_KEY}" is not JSON`);
  }
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) {
    throw new InvalidOnnxModelError(`invalid ONNX model metadata: "${FEATURES_METADATA_KEY}" must be a JSON array of strings`);
  }
  return parsed;
}
