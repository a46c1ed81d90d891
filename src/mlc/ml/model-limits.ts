/**
 * Static checks of an ONNX graph before onnxruntime sees it. A model is untrusted input: a few
 * hundred bytes can ask onnxruntime for gigabytes (`ConstantOfShape` of a huge constant shape,
 * folded at load), for 2^62 `Loop` iterations, or for the bytes of any file the server can read
 * (tensor data "stored externally" at `../../etc/passwd`). These checks refuse what is visible in
 * the file itself; what only running the graph reveals is caught by the model process's time and
 * memory limits (model-process.ts).
 */
import { isAbsolute, resolve, relative, sep } from 'node:path';
import { existsSync, realpathSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { InvalidOnnxModelError } from './onnx-export.js';

const { onnx } = onnxProto;
type Graph = onnxProto.onnx.IGraphProto;
type TensorProto = onnxProto.onnx.ITensorProto;

/** The budgets of model handling; every one has a default (DEFAULT_MODEL_LIMITS) and is configurable. */
export interface ModelLimits {
  /** ms a model process may spend creating its onnxruntime session (constant folding included) */
  loadTimeoutMs: number;
  /** ms one scoring call (a whole test dataset, or one REST scoring batch) may run */
  runTimeoutMs: number;
  /** MiB of resident memory a model process may reach before it is killed */
  memoryMb: number;
  /** nodes in the graph, subgraphs included */
  maxNodes: number;
  /** bytes of any one tensor the file declares: initialisers, constants, ConstantOfShape/Expand shapes */
  maxTensorBytes: number;
  /** iterations of a Loop whose trip count is a constant */
  maxLoopIterations: number;
}

export const DEFAULT_MODEL_LIMITS: Readonly<ModelLimits> = {
  loadTimeoutMs: 10_000,
  runTimeoutMs: 30_000,
  memoryMb: 1024,
  maxNodes: 10_000,
  maxTensorBytes: 256 * 1024 * 1024,
  maxLoopIterations: 1_000_000,
};

/** Subgraphs (Loop/If/Scan bodies) nest at most this deep. */
const MAX_GRAPH_DEPTH = 8;

const T = onnx.TensorProto.DataType;
const ELEMENT_BYTES: Partial<Record<number, number>> = {
  [T.FLOAT]: 4, [T.UINT8]: 1, [T.INT8]: 1, [T.UINT16]: 2, [T.INT16]: 2, [T.INT32]: 4, [T.INT64]: 8, [T.STRING]: 8,
  [T.BOOL]: 1, [T.FLOAT16]: 2, [T.DOUBLE]: 8, [T.UINT32]: 4, [T.UINT64]: 8, [T.COMPLEX64]: 8, [T.COMPLEX128]: 16, [T.BFLOAT16]: 2,
};
const elementBytes = (dataType: number | null | undefined) => ELEMENT_BYTES[dataType ?? T.FLOAT] ?? 1;

const toNumber = (v: number | { toNumber(): number } | null | undefined): number =>
  v == null ? 0 : typeof v === 'number' ? v : v.toNumber();

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 3 : 0)} MiB`;

/**
 * Throws InvalidOnnxModelError naming the first limit the model breaks. `folder` is where the
 * model's own files live (external tensor data may only be named inside it); null refuses
 * external data altogether.
 */
export function checkModelLimits(bytes: Uint8Array, limits: ModelLimits, folder: string | null): void {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new InvalidOnnxModelError(`not an ONNX model: the bytes are not a valid ONNX ModelProto (${(error as Error).message})`);
  }
  if (!model.graph) throw new InvalidOnnxModelError('not an ONNX model: it has no graph');
  const walk = new GraphWalk(limits, folder);
  walk.graph(model.graph, new Map(), 0);
}

class GraphWalk {
  private nodes = 0;

  constructor(
    private readonly limits: ModelLimits,
    private readonly folder: string | null,
  ) {}

  /** `outer`: constants visible from enclosing graphs (a Loop body may read its parent's). */
  graph(graph: Graph, outer: ReadonlyMap<string, TensorProto>, depth: number): void {
    if (depth > MAX_GRAPH_DEPTH) throw new InvalidOnnxModelError(`the model nests subgraphs more than ${MAX_GRAPH_DEPTH} deep`);
    const constants = new Map(outer);
    for (const tensor of graph.initializer ?? []) {
      this.tensor(tensor, `initialiser '${tensor.name ?? ''}'`);
      constants.set(tensor.name ?? '', tensor);
    }
    for (const sparse of graph.sparseInitializer ?? []) {
      if (sparse.values) this.tensor(sparse.values, `sparse initialiser '${sparse.values.name ?? ''}'`);
      this.declared((sparse.dims ?? []).map(toNumber), T.FLOAT, 'a sparse initialiser');
    }
    for (const info of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
      const tensorType = info.type?.tensorType;
      const dims = (tensorType?.shape?.dim ?? []).map((d) => (d.dimValue != null ? toNumber(d.dimValue) : 1));
      this.declared(dims, tensorType?.elemType, `value '${info.name ?? ''}'`);
    }
    for (const node of graph.node ?? []) {
      this.nodes++;
      if (this.nodes > this.limits.maxNodes) throw new InvalidOnnxModelError(`the model has more than ${this.limits.maxNodes} nodes`);
      const what = `${node.opType ?? 'node'} '${node.name || node.output?.[0] || '?'}'`;
      for (const attribute of node.attribute ?? []) {
        if (attribute.t) this.tensor(attribute.t, `attribute '${attribute.name}' of ${what}`);
        for (const t of attribute.tensors ?? []) this.tensor(t, `attribute '${attribute.name}' of ${what}`);
        if (attribute.g) this.graph(attribute.g, constants, depth + 1);
        for (const g of attribute.graphs ?? []) this.graph(g, constants, depth + 1);
      }
      if (node.opType === 'Constant' && (node.domain ?? '') === '') {
        const value = node.attribute?.find((a) => a.name === 'value')?.t;
        if (value && node.output?.[0]) constants.set(node.output[0], value);
      }
      this.operator(node, what, constants);
    }
  }

  /** Operators whose cost is set by a constant input. */
  private operator(node: onnxProto.onnx.INodeProto, what: string, constants: ReadonlyMap<string, TensorProto>): void {
    const constant = (index: number) => {
      const name = node.input?.[index];
      return name ? constants.get(name) : undefined;
    };
    switch (node.opType) {
      case 'ConstantOfShape': {
        const shape = integers(constant(0));
        const fill = node.attribute?.find((a) => a.name === 'value')?.t;
        if (shape) this.declared(shape, fill?.dataType, `the output of ${what} (shape ${JSON.stringify(shape)})`);
        return;
      }
      case 'Expand': {
        const shape = integers(constant(1));
        if (shape) this.declared(shape, T.FLOAT, `the output of ${what} (shape ${JSON.stringify(shape)})`);
        return;
      }
      case 'Loop': {
        const trip = integers(constant(0));
        if (trip && trip.length === 1 && trip[0]! > this.limits.maxLoopIterations) {
          throw new InvalidOnnxModelError(`${what} runs ${trip[0]} iterations; at most ${this.limits.maxLoopIterations} are allowed`);
        }
        return;
      }
      default:
        return;
    }
  }

  private tensor(tensor: TensorProto, what: string): void {
    this.declared((tensor.dims ?? []).map(toNumber), tensor.dataType, what);
    const external = tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (tensor.externalData?.length ?? 0) > 0;
    if (external) this.externalData(tensor, what);
  }

  private declared(dims: number[], dataType: number | null | undefined, what: string): void {
    if (dims.some((d) => !Number.isFinite(d) || d < 0)) throw new InvalidOnnxModelError(`${what} declares a negative or invalid dimension ${JSON.stringify(dims)}`);
    const bytes = dims.reduce((product, d) => product * d, elementBytes(dataType));
    if (bytes > this.limits.maxTensorBytes) {
      throw new InvalidOnnxModelError(`${what} declares ${dims.join('×')} elements (${mib(bytes)}); a tensor may hold at most ${mib(this.limits.maxTensorBytes)}`);
    }
  }

  /** External data must be a plain relative name of a file inside the model's own folder. */
  private externalData(tensor: TensorProto, what: string): void {
    const entries = new Map((tensor.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = entries.get('location') ?? '';
    const unsafe =
      location === '' || location.includes('\0') || isAbsolute(location) || /^[\\/]|^[A-Za-z]:/.test(location) ||
      location.split(/[\\/]/).some((part) => part === '..');
    if (unsafe) throw new InvalidOnnxModelError(`${what} names external data '${location}': only a file name inside the model's own folder is allowed`);
    if (this.folder === null) throw new InvalidOnnxModelError(`${what} stores its data in an external file, which this model cannot have`);
    const full = resolve(this.folder, location);
    if (!existsSync(full)) throw new InvalidOnnxModelError(`${what} names external data '${location}', which is not in the model's folder`);
    const rel = relative(realpathSync(this.folder), realpathSync(full));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
      throw new InvalidOnnxModelError(`${what} names external data '${location}', which resolves outside the model's folder`);
    }
    const length = Number(entries.get('length') ?? 0);
    if (!Number.isFinite(length) || length < 0 || length > this.limits.maxTensorBytes) {
      throw new InvalidOnnxModelError(`${what} declares ${entries.get('length')} bytes of external data; a tensor may hold at most ${mib(this.limits.maxTensorBytes)}`);
    }
  }
}

/** The values of a constant integer tensor (a shape, a trip count), or null when not readable. */
function integers(tensor: TensorProto | undefined): number[] | null {
  if (!tensor) return null;
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : null;
  if (tensor.dataType === T.INT64) {
    if (raw) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      return Array.from({ length: Math.floor(raw.byteLength / 8) }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    }
    return (tensor.int64Data ?? []).map(toNumber);
  }
  if (tensor.dataType === T.INT32) {
    if (raw) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      return Array.from({ length: Math.floor(raw.byteLength / 4) }, (_, i) => view.getInt32(i * 4, true));
    }
    return [...(tensor.int32Data ?? [])];
  }
  return null;
}
