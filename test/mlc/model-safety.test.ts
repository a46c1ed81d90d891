/**
 * Hostile models and hostile requests against a real server (HTTP on 127.0.0.1, a SQLite file,
 * real onnxruntime-node sessions in model processes): what the probe of issue 19 found, each
 * refused or contained, with the server answering throughout.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { createServerApp } from '../../src/http/app.js';
import { builtinHandlers, installModelLifecycle, mlcRouter, type ModelLifecycle } from '../../src/mlc/index.js';
import { NonRetryableError, type BpmnError } from '../../src/runtime/errors.js';
import type { JobContext } from '../../src/runtime/handler-dispatcher.js';
import { constantOfShapeModel, declaredSizeModel, externalDataModel, loopFromInputModel, loopModel } from '../mlc-ml/hostile-models.js';

const dir = mkdtempSync(join(tmpdir(), 'mlc-safety-'));
const database = join(dir, 'engine.sqlite');
const dataDir = join(dir, 'data');
const modelLimits = { loadTimeoutMs: 5000, runTimeoutMs: 1500, memoryMb: 400 };

interface Running {
  engine: Engine;
  lc: ModelLifecycle;
  server: Server;
  url: string;
  close(): Promise<void>;
}

async function start(): Promise<Running> {
  const engine = await Engine.open({ database, defaultRetries: 3, retryBackoff: { initial: 5, max: 20 } });
  const lc = await installModelLifecycle(engine, { dataDir, seedDemo: true, modelLimits });
  const app = createServerApp(engine, { requestLogs: false, cockpit: false, mlc: mlcRouter(lc, { maxUploadBytes: 1024 * 1024 }) });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    engine, lc, server, url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
}

let env: Running;
beforeAll(async () => {
  env = await start();
  await request(env.url).post('/mlc/models').send({ id: 'hostile', metadata: { testData: 'datasets/credit-card-q2.csv' } }).expect(201);
}, 60_000);
afterAll(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

const upload = (id: string, bytes: Uint8Array) =>
  request(env.url).post(`/mlc/models/${id}/versions`).attach('model', Buffer.from(bytes), 'model.onnx');

/** Polls until `check` returns a value (bounded). */
async function until<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** No absolute path (two or more segments from the root) outside the /mlc routes. */
const ABSOLUTE_PATH = /(^|[\s'"`(])\/(?!mlc\/)[\w.@+-]+\/[\w.@+-]+/;

describe('hostile uploads', () => {
  it('refuses a Loop with 2^62 iterations at upload, before anything runs it', async () => {
    const res = await upload('hostile', loopModel(2n ** 62n)).expect(400);
    expect(res.body).toEqual({ type: 'InvalidModel', message: `model 'hostile': Loop 'Loop_probability' runs ${2 ** 62} iterations; at most 1000000 are allowed` });
  });

  it('refuses the 300-byte ConstantOfShape(16000, 16000) bomb at upload without the server allocating it', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const res = await upload('hostile', constantOfShapeModel(16000, 16000)).expect(400);
      expect(res.body.message).toBe("model 'hostile': the output of ConstantOfShape 'ConstantOfShape_big' (shape [16000,16000]) declares 16000×16000 elements (977 MiB); a tensor may hold at most 256 MiB");
    } finally {
      clearInterval(sampler);
    }
    const growthMiB = (peak - before) / 1024 / 1024;
    console.log(`ConstantOfShape(16000,16000) upload: server RSS peak +${growthMiB.toFixed(0)} MiB over ${(before / 1024 / 1024).toFixed(0)} MiB`);
    expect(growthMiB).toBeLessThan(200);
  });

  it('stops a bomb only constant folding reveals in its model process, at the memory limit', async () => {
    const res = await upload('hostile', constantOfShapeModel(16000, 16000, { computed: true })).expect(400);
    expect(res.body.message).toMatch(/^model 'hostile': the model process used \d+ MiB, over its limit of 400 MiB; it was stopped$/);
  });

  it('refuses a tensor that declares more than the tensor limit', async () => {
    const res = await upload('hostile', declaredSizeModel([65536, 65536])).expect(400);
    expect(res.body.message).toMatch(/^model 'hostile': initialiser 'w' declares 65536×65536 elements \(16384 MiB\); a tensor may hold at most 256 MiB$/);
  });

  it("refuses external tensor data naming the server's files, with no absolute path in the error", async () => {
    for (const location of ['../../package.json', join(process.cwd(), 'package.json'), '/etc/passwd']) {
      const res = await upload('hostile', externalDataModel(location)).expect(400);
      expect(res.body.message).toMatch(/^model 'hostile': initialiser 'w' names external data '[^']+': only a file name inside the model's own folder is allowed$/);
      expect(res.body.message).not.toMatch(ABSOLUTE_PATH);
    }
    // a file inside the folder passes the check; onnxruntime then refuses external data in a model loaded from bytes, named without its source paths
    writeFileSync(join(dataDir, 'models', 'hostile', 'w.bin'), new Uint8Array(4));
    const res = await upload('hostile', externalDataModel('w.bin')).expect(400);
    expect(res.body.message).toMatch(/^model 'hostile': onnxruntime could not load the model: /);
    expect(res.body.message).not.toMatch(ABSOLUTE_PATH);
  });

  it('records nothing for a refused upload', async () => {
    expect((await request(env.url).get('/mlc/models/hostile/versions').expect(200)).body).toEqual([]);
    expect(readdirSync(join(dataDir, 'models', 'hostile')).filter((f) => f !== 'w.bin')).toEqual([]);
  });
});

describe('a model that never finishes scoring', () => {
  it('fails its test job into an incident once, the server answering meanwhile, and a restart does not redeliver it', async () => {
    await request(env.url).post('/mlc/models').send({ id: 'spinner', metadata: { testData: 'datasets/credit-card-q2.csv' } }).expect(201);
    // 2^40 iterations behind a Mul: accepted at upload, it only runs away when scored
    await upload('spinner', loopModel(2n ** 40n, { computed: true })).expect(201);
    const submitted = await request(env.url).post('/mlc/models/spinner/versions/1/submit').send({}).expect(201);
    const instanceId = submitted.body.processInstanceId as string;
    const incidents = () => env.engine.queries.incidents({ processInstanceId: instanceId });

    // the test job is scoring in its model process: the server still answers, before the incident exists
    await request(env.url).get('/mlc/models').expect(200);
    expect(incidents()).toEqual([]);

    const [incident] = await until(() => (incidents().length > 0 ? incidents() : null), 'the incident');
    expect(incident).toMatchObject({ type: 'failedJob', elementId: 'Task_Test', message: 'test of spinner v1 on datasets/credit-card-q2.csv was stopped: the model did not score within 1500 ms; its process was stopped' });
    const [job] = env.engine.queries.jobs({ id: incident!.jobId!, now: Date.now() });
    expect(job).toMatchObject({ retries: 0, attempts: 1 });
    const results = (await request(env.url).get('/mlc/models/spinner/versions/1/test-results').expect(200)).body as { passed: boolean; error: string }[];
    expect(results).toEqual([expect.objectContaining({ passed: false, error: incident!.message })]);

    await env.close();
    env = await start();
    await env.engine.whenIdle();
    await new Promise((r) => setTimeout(r, modelLimits.runTimeoutMs + 500));
    await env.engine.whenIdle();
    expect(env.engine.queries.incidents({ processInstanceId: instanceId })).toHaveLength(1);
    expect((await request(env.url).get('/mlc/models/spinner/versions/1/test-results').expect(200)).body).toHaveLength(1);
  }, 60_000);
});

describe('a compare job whose model runs away', () => {
  it('fails with a non-retryable error, not a COMPARE_FAILED business outcome', async () => {
    await request(env.url).post('/mlc/models').send({ id: 'compare-spinner' }).expect(201);
    await upload('compare-spinner', loopModel(2n ** 40n, { computed: true })).expect(201);
    const job: JobContext = {
      idempotencyKey: 'compare-1', jobId: 'compare-1', topic: 'compare', attempt: 1, retriesLeft: 3,
      variables: { modelId: 'compare-spinner', challengerVersion: 1, compareData: 'datasets/credit-card-q2.csv' },
      element: { id: 'Task_Compare', type: 'serviceTask' }, instance: { id: 'instance-compare', businessKey: null, definitionKey: 'Unit', definitionId: 'Unit:1' },
      headers: {}, signal: new AbortController().signal,
    };
    const error = await Promise.resolve(builtinHandlers(env.lc).compare(job)).then(() => null, (e: Error) => e);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error).toMatchObject({ message: 'the model did not score within 1500 ms; its process was stopped' });
  }, 30_000);
});

describe('a runtime serving a model that runs away on some input', () => {
  it('answers that request with 503 after the run limit, every other request meanwhile, and the next ones from a fresh model process', async () => {
    await request(env.url).post('/mlc/models').send({ id: 'input-spinner' }).expect(201);
    await upload('input-spinner', loopFromInputModel()).expect(201);
    await request(env.url).post('/mlc/runtimes').send({ name: 'spin-rt', stage: 'DEV' }).expect(201);
    const version = env.lc.registry.version('input-spinner', 1);
    env.lc.runtimes.recordDeployment(await env.lc.runtimes.load('spin-rt', version), version, null); // warm-up on zeros: 0 iterations
    const small = await request(env.url).post('/mlc/runtimes/spin-rt/score').send({ rows: [{ amount: 3 }] }).expect(200);
    expect(small.body.predictions).toEqual([{ probability: 3, label: 1 }]);

    const huge = request(env.url).post('/mlc/runtimes/spin-rt/score').send({ rows: [{ amount: 1e15 }] }).then((r) => r);
    let answered = false;
    void huge.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 200));
    await request(env.url).get('/mlc/runtimes').expect(200);
    expect(answered).toBe(false); // the server answered while the model was still running
    const stopped = await huge;
    expect(stopped.status).toBe(503);
    expect(stopped.body).toEqual({
      type: 'ModelStopped',
      message: "runtime 'spin-rt' stopped its model for this request: the model did not score within 1500 ms; its process was stopped",
    });
    const after = await request(env.url).post('/mlc/runtimes/spin-rt/score').send({ rows: [{ amount: 3 }] }).expect(200);
    expect(after.body.predictions).toEqual([{ probability: 3, label: 1 }]);
  }, 30_000);
});

describe('upload order', () => {
  it('the artifact is on disk, complete and under its final name, when its row commits', async () => {
    await request(env.url).post('/mlc/models').send({ id: 'ordered' }).expect(201);
    // watch the real store: what is on disk at the moment the row is written
    const store = env.lc.store;
    const insertVersion = store.insertVersion.bind(store);
    const seen: { exists: boolean; sha256: string | null; recorded: string }[] = [];
    store.insertVersion = (record) => {
      const file = join(dataDir, record.artifact);
      const exists = existsSync(file);
      seen.push({ exists, sha256: exists ? createHash('sha256').update(readFileSync(file)).digest('hex') : null, recorded: record.sha256 });
      insertVersion(record);
    };
    try {
      await upload('ordered', loopModel(3n)).expect(201);
    } finally {
      store.insertVersion = insertVersion;
    }
    expect(seen).toEqual([{ exists: true, sha256: seen[0]!.recorded, recorded: expect.any(String) }]);
    expect(readdirSync(join(dataDir, 'models', 'ordered'))).toEqual(['1.onnx']);
  });
});

describe('handler errors', () => {
  it('name files relative to the data directory, never by their absolute path', async () => {
    symlinkSync('loop.csv', join(dataDir, 'datasets', 'loop.csv')); // ELOOP: the error names the file
    const job: JobContext = {
      idempotencyKey: 'paths-1', jobId: 'paths-1', topic: 'test', attempt: 1, retriesLeft: 3,
      variables: { modelId: 'ordered', modelVersion: 1, testData: 'datasets/loop.csv' },
      element: { id: 'Task_Test', type: 'serviceTask' }, instance: { id: 'instance-paths', businessKey: null, definitionKey: 'Unit', definitionId: 'Unit:1' },
      headers: {}, signal: new AbortController().signal,
    };
    const error = await Promise.resolve(builtinHandlers(env.lc).test(job)).then(() => null, (e: BpmnError) => e);
    expect(error).toMatchObject({ code: 'TEST_FAILED', message: expect.stringContaining('datasets/loop.csv') });
    expect(error!.message).toMatch(/ELOOP/);
    expect(error!.message).not.toMatch(ABSOLUTE_PATH);
    expect(String(error!.variables?.failureReason)).not.toMatch(ABSOLUTE_PATH);
  });
});

describe('restart reconciles the data directory with the registry', () => {
  it('removes leftover .tmp files and marks a version whose file is missing, once', async () => {
    const folder = join(dataDir, 'models', 'spinner');
    writeFileSync(join(folder, 'upload-leftover.tmp'), 'half an upload');
    writeFileSync(join(folder, '2.onnx.0f0f.tmp'), 'the old naming');
    unlinkSync(join(folder, '1.onnx'));
    await env.close();
    env = await start();
    expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const kinds = () => env.lc.registry.events('spinner', 1).map((e) => e.kind);
    expect(kinds().filter((k) => k === 'artifactMissing')).toHaveLength(1);
    const artifact = await request(env.url).get('/mlc/models/spinner/versions/1/artifact');
    expect(artifact.status).toBe(400);
    expect(artifact.body.message).toBe('the artifact of spinner v1 (models/spinner/1.onnx) is missing from the data directory');
    await env.close();
    env = await start();
    expect(kinds().filter((k) => k === 'artifactMissing')).toHaveLength(1);
    expect(existsSync(folder)).toBe(true);
  }, 60_000);
});

describe('/mlc request limits', () => {
  it('answers JSON nested 5,000 deep with a 400, not a 500', async () => {
    const body = `{"id": "deep", "metadata": {"nested": ${'{"a": '.repeat(5000)}1${'}'.repeat(5000)}}}`;
    const res = await request(env.url).post('/mlc/models').set('content-type', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ type: 'ValidationError', message: 'the JSON nests deeper than 64 levels' });
    await request(env.url).get('/mlc/models/deep').expect(404);
  });

  it('refuses an upload by its Content-Length with 413 before reading the body', async () => {
    // headers announce 10 GB; only the first bytes are ever sent
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${env.url}/mlc/models/hostile/versions`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(10 * 1024 ** 3) },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('--x\r\ncontent-disposition: form-data; name="model"; filename="m.onnx"\r\n\r\n');
      setTimeout(() => reject(new Error('no answer while the body is still being sent')), 10_000).unref();
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual({ type: 'PayloadTooLarge', message: `the upload declares ${10 * 1024 ** 3} bytes; a model file may have at most 1048576` });
  });
});
