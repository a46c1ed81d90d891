/**
 * Models run in model processes of their own, with real onnxruntime-node sessions: a runaway
 * Loop and a memory bomb are stopped by the parent while its event loop keeps turning, and the
 * static checks refuse what the file itself declares.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkModelLimits, DEFAULT_MODEL_LIMITS, exportLogisticRegressionToOnnx, IsolatedModel, loadServingModel, ModelRunawayError,
  type ModelLimits,
} from '../../src/mlc/ml/index.js';
import { NonRetryableError } from '../../src/runtime/errors.js';
import { constantOfShapeModel, declaredSizeModel, externalDataModel, loopModel, wideGraphModel } from './hostile-models.js';
import { rejectionOf, thrownBy } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'mlc-model-process-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const limits: ModelLimits = { ...DEFAULT_MODEL_LIMITS, loadTimeoutMs: 5000, runTimeoutMs: 1000, memoryMb: 400 };

/** Counts event-loop turns while `work` runs: a blocked loop counts none. */
async function ticksDuring<T>(work: Promise<T>): Promise<{ ticks: number; result: T | Error }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  try {
    const result = await work.catch((e: Error) => e);
    return { ticks, result };
  } finally {
    clearInterval(timer);
  }
}

describe('model processes', () => {
  it('score a real model exactly as onnxruntime in this process does', async () => {
    const bytes = exportLogisticRegressionToOnnx({ features: ['a', 'b'], mean: [0, 0], std: [1, 1], weights: [0.5, -0.25], bias: 0.1 });
    const isolated = await IsolatedModel.load(bytes, { limits, folder });
    const local = await loadServingModel(bytes);
    try {
      const rows = [{ a: 1, b: 2 }, { a: -3, b: 0.5 }];
      expect(await isolated.score(rows)).toEqual(await local.score(rows));
      await expect(isolated.score([{ a: 1 } as never])).rejects.toThrow(/missing feature "b"/);
    } finally {
      await isolated.release();
      await local.release();
    }
  });

  it('stop a Loop that never finishes at the run timeout, with the event loop turning meanwhile', async () => {
    // 2^40 iterations behind a Mul: nothing in the file says how long it runs
    const model = await IsolatedModel.load(loopModel(2n ** 40n, { computed: true }), { limits, folder });
    const started = performance.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const error = await rejectionOf(model.score([[0.5]])).finally(() => clearInterval(timer));
    const detectedMs = performance.now() - started;
    await model.process.exited();
    expect(error).toBeInstanceOf(ModelRunawayError);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error).toMatchObject({ reason: 'timeout', message: 'the model did not score within 1000 ms; its process was stopped' });
    expect(ticks).toBeGreaterThan(10);
    console.log(`runaway Loop: stopped ${detectedMs.toFixed(0)} ms after the run started (limit 1000 ms); SIGKILL to exit ${model.process.stopMs?.toFixed(1)} ms`);
    // the next call gets a fresh process with the same model
    const first = model.process;
    await expect(model.score([[0.5]])).rejects.toThrow(/did not score within/);
    expect(model.process).not.toBe(first);
    await model.release();
  });

  it('stop a model whose constant folding allocates gigabytes, at the memory limit', async () => {
    // the shape is a Concat of two constants, so only onnxruntime's constant folding finds 16000×16000 floats
    const rssBefore = process.memoryUsage().rss;
    const loading = IsolatedModel.load(constantOfShapeModel(16000, 16000, { computed: true }), { limits, folder });
    const { ticks, result } = await ticksDuring(loading);
    expect(ticks).toBeGreaterThan(5);
    expect(result).toBeInstanceOf(ModelRunawayError);
    expect(result).toMatchObject({ reason: 'memory', message: expect.stringMatching(/^the model process used \d+ MiB, over its limit of 400 MiB; it was stopped$/) });
    const processPeak = Number(/used (\d+) MiB/.exec((result as Error).message)![1]);
    const serverGrowth = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    expect(serverGrowth).toBeLessThan(100);
    console.log(`decompression bomb (16000×16000 computed): model process reached ${processPeak} MiB before the kill (limit 400); this process grew ${serverGrowth.toFixed(0)} MiB`);
  });

  it('kill the model process when the job is aborted', async () => {
    const abort = new AbortController();
    const model = await IsolatedModel.load(loopModel(2n ** 40n, { computed: true }), { limits: { ...limits, runTimeoutMs: 60_000 }, folder, signal: abort.signal });
    const scoring = model.score([[0.5]]);
    setTimeout(() => abort.abort(), 200);
    await expect(scoring).rejects.toThrow(/the job was aborted/);
    await model.process.exited();
  });
});

describe('why a process and not a worker thread', () => {
  it('worker.terminate() does not stop onnxruntime inside session.run: it never settles', async () => {
    // run in a throwaway node process: the stuck worker thread would otherwise stay in this one
    const modelFile = join(folder, 'loop.onnx');
    writeFileSync(modelFile, loopModel(2n ** 40n, { computed: true }));
    const script = `
      const { Worker } = require('node:worker_threads');
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), 15000).unref(); // never outlives the test
      const worker = new Worker(\`
        const { parentPort, workerData } = require('node:worker_threads');
        const { InferenceSession, Tensor } = require('onnxruntime-node');
        InferenceSession.create(require('node:fs').readFileSync(workerData)).then((s) => {
          parentPort.postMessage('running');
          return s.run({ x: new Tensor('float32', new Float32Array([0.5]), [1, 1]) });
        });\`, { eval: true, workerData: process.argv[1] });
      worker.once('message', () => setTimeout(() => {
        worker.terminate().then(() => console.log('terminated'));
        setTimeout(() => { console.log('still running'); process.kill(process.pid, 'SIGKILL'); }, 2000);
      }, 300));`;
    const child = spawn(process.execPath, ['-e', script, modelFile], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
    expect(out.trim()).toBe('still running');
    expect(signal).toBe('SIGKILL');
  }, 30_000);
});

describe('static model limits', () => {
  const check = (bytes: Uint8Array, overrides: Partial<ModelLimits> = {}) => thrownBy(() => checkModelLimits(bytes, { ...DEFAULT_MODEL_LIMITS, ...overrides }, folder));

  it('refuse a Loop whose constant trip count is over the limit, and pass a small one', () => {
    expect(check(loopModel(2n ** 62n)).message).toBe(`Loop 'Loop_probability' runs ${2 ** 62} iterations; at most 1000000 are allowed`);
    expect(() => checkModelLimits(loopModel(10n), DEFAULT_MODEL_LIMITS, folder)).not.toThrow();
  });

  it('refuse a ConstantOfShape or a declared tensor larger than the tensor limit', () => {
    expect(check(constantOfShapeModel(16000, 16000)).message)
      .toBe("the output of ConstantOfShape 'ConstantOfShape_big' (shape [16000,16000]) declares 16000×16000 elements (977 MiB); a tensor may hold at most 256 MiB");
    expect(check(declaredSizeModel([1 << 20, 1 << 20])).message).toMatch(/^initialiser 'w' declares 1048576×1048576 elements .*at most 256 MiB$/);
    expect(check(declaredSizeModel([4, -1])).message).toMatch(/negative or invalid dimension/);
  });

  it('refuse external data outside the model folder, absolute, with .., or through a symbolic link', () => {
    for (const location of ['../package.json', '/etc/passwd', 'a/../../b', 'C:\\windows\\win.ini']) {
      expect(check(externalDataModel(location)).message).toBe(`initialiser 'w' names external data '${location}': only a file name inside the model's own folder is allowed`);
    }
    symlinkSync('/etc/hostname', join(folder, 'link.bin'));
    expect(check(externalDataModel('link.bin')).message).toMatch(/resolves outside the model's folder/);
    expect(check(externalDataModel('absent.bin')).message).toMatch(/which is not in the model's folder/);
    writeFileSync(join(folder, 'w.bin'), new Uint8Array(4));
    expect(() => checkModelLimits(externalDataModel('w.bin'), DEFAULT_MODEL_LIMITS, folder)).not.toThrow();
    expect(thrownBy(() => checkModelLimits(externalDataModel('w.bin'), DEFAULT_MODEL_LIMITS, null)).message).toMatch(/cannot have/);
  });

  it('refuse a graph with more nodes than the limit', () => {
    expect(check(wideGraphModel(50), { maxNodes: 40 }).message).toBe('the model has more than 40 nodes');
    expect(() => checkModelLimits(wideGraphModel(40), { ...DEFAULT_MODEL_LIMITS, maxNodes: 40 }, folder)).not.toThrow();
  });
});
