/**
 * Hostile ONNX models for the safety tests, built with the same onnx-proto messages as the
 * exporter: each is a few hundred bytes that would stall or exhaust the server if it reached
 * onnxruntime unchecked.
 */
import onnxProto from 'onnx-proto';
import { FEATURES_METADATA_KEY } from '../../src/mlc/ml/index.js';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const BOOL = onnx.TensorProto.DataType.BOOL;

type Node = InstanceType<typeof onnx.NodeProto>;
type Tensor = InstanceType<typeof onnx.TensorProto>;

function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
}

export function int64Tensor(name: string, dims: number[], values: readonly (number | bigint)[]): Tensor {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return onnx.TensorProto.create({ name, dims, dataType: INT64, rawData: new Uint8Array(data.buffer) });
}

export function floatTensor(name: string, dims: number[], values: readonly number[]): Tensor {
  const data = Float32Array.from(values);
  return onnx.TensorProto.create({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) });
}

function boolTensor(name: string, value: boolean): Tensor {
  return onnx.TensorProto.create({ name, dims: [], dataType: BOOL, rawData: new Uint8Array([value ? 1 : 0]) });
}

const node = (opType: string, input: string[], output: string[], attribute: object[] = []): Node =>
  onnx.NodeProto.create({ opType, input, output, name: `${opType}_${output[0]}`, attribute });

/** One float input `x` [N,1], output `probability` [N,1]: the shape the registry accepts. */
function model(nodes: Node[], initializer: Tensor[], extra: { metadata?: Record<string, string> } = {}): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'hostile',
    graph: {
      name: 'hostile',
      node: nodes,
      initializer,
      input: [valueInfo('x', FLOAT, ['N', 1])],
      output: [valueInfo('probability', FLOAT, ['N', 1])],
    },
    metadataProps: Object.entries({ [FEATURES_METADATA_KEY]: '["amount"]', ...extra.metadata }).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}

/**
 * A Loop that carries `x` through `trip` iterations. With `computed`, the trip count is the
 * product of two constants (a Mul node), so only running the graph reveals it.
 */
export function loopModel(trip: bigint, options: { computed?: boolean } = {}): Uint8Array {
  const body = onnx.GraphProto.create({
    name: 'body',
    node: [node('Identity', ['cond_in'], ['cond_out']), node('Identity', ['v_in'], ['v_out'])],
    input: [valueInfo('i', INT64, []), valueInfo('cond_in', BOOL, []), valueInfo('v_in', FLOAT, ['N', 1])],
    output: [valueInfo('cond_out', BOOL, []), valueInfo('v_out', FLOAT, ['N', 1])],
  });
  const loop = node('Loop', ['trip', 'cond', 'x'], ['probability'], [{ name: 'body', type: onnx.AttributeProto.AttributeType.GRAPH, g: body }]);
  if (!options.computed) return model([loop], [int64Tensor('trip', [], [trip]), boolTensor('cond', true)]);
  const root = BigInt(Math.floor(Math.sqrt(Number(trip))));
  return model(
    [node('Mul', ['a', 'b'], ['trip']), loop],
    [int64Tensor('a', [], [root]), int64Tensor('b', [], [root]), boolTensor('cond', true)],
  );
}

/**
 * A Loop whose trip count is the largest input value: harmless on the warm-up row of zeros,
 * a runaway for a caller who sends a huge value.
 */
export function loopFromInputModel(): Uint8Array {
  const body = onnx.GraphProto.create({
    name: 'body',
    node: [node('Identity', ['cond_in'], ['cond_out']), node('Identity', ['v_in'], ['v_out'])],
    input: [valueInfo('i', INT64, []), valueInfo('cond_in', BOOL, []), valueInfo('v_in', FLOAT, ['N', 1])],
    output: [valueInfo('cond_out', BOOL, []), valueInfo('v_out', FLOAT, ['N', 1])],
  });
  return model(
    [
      node('ReduceMax', ['x'], ['largest'], [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]),
      node('Cast', ['largest'], ['trip'], [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: INT64 }]),
      node('Loop', ['trip', 'cond', 'x'], ['probability'], [{ name: 'body', type: onnx.AttributeProto.AttributeType.GRAPH, g: body }]),
    ],
    [boolTensor('cond', true)],
  );
}

/**
 * ConstantOfShape(rows, cols) summed into the output: a few hundred bytes that ask for
 * rows×cols floats. With `computed`, the shape is a Concat of two constants.
 */
export function constantOfShapeModel(rows: number, cols: number, options: { computed?: boolean } = {}): Uint8Array {
  const sum = [
    node('ReduceSum', ['big'], ['total'], [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]),
    node('Add', ['x', 'total'], ['probability']),
  ];
  const fill = node('ConstantOfShape', ['shape'], ['big'], [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: floatTensor('v', [1], [1]) }]);
  if (!options.computed) return model([fill, ...sum], [int64Tensor('shape', [2], [rows, cols])]);
  return model(
    [node('Concat', ['r', 'c'], ['shape'], [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]), fill, ...sum],
    [int64Tensor('r', [1], [rows]), int64Tensor('c', [1], [cols])],
  );
}

/** `probability = x + w` where w's (4) bytes come from an external file named by `location`. */
export function externalDataModel(location: string): Uint8Array {
  const length = 4;
  const w = onnx.TensorProto.create({
    name: 'w',
    dims: [length / 4],
    dataType: FLOAT,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [{ key: 'location', value: location }, { key: 'offset', value: '0' }, { key: 'length', value: String(length) }],
  });
  // Add reads w at run time (nothing to fold at load), so onnxruntime opens the file then
  return model([node('Add', ['x', 'w'], ['probability'])], [w]);
}

/** A tensor that declares `dims` but carries no data (a declared-size bomb). */
export function declaredSizeModel(dims: number[]): Uint8Array {
  const w = onnx.TensorProto.create({ name: 'w', dims, dataType: FLOAT });
  const sum = node('ReduceSum', ['w'], ['ws'], [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]);
  return model([sum, node('Add', ['x', 'ws'], ['probability'])], [w]);
}

/** `count` chained Identity nodes. */
export function wideGraphModel(count: number): Uint8Array {
  const nodes: Node[] = [];
  let previous = 'x';
  for (let i = 0; i < count; i++) {
    const out = i === count - 1 ? 'probability' : `t${i}`;
    nodes.push(node('Identity', [previous], [out]));
    previous = out;
  }
  return model(nodes, []);
}
