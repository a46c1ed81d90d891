import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { createServerApp, createEngineMetrics } from '../../src/server.js';
import { installModelLifecycle, mlcRouter, evaluateVersion, DEFAULT_THRESHOLDS, DEMO_MODEL_ID, type ModelLifecycle } from '../../src/mlc/index.js';
import { CREDIT_CARD_FEATURES, generateCreditCardQuarter } from '../../src/mlc/ml/index.js';
import { parseExposition, valueOf, type Family } from './exposition.js';
import { scratchDatabase } from '../postgres/store-under-test.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'bpmn');
const AUTH = `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`;

describe('GET /metrics and /health over real HTTP', () => {
  let dir: string;
  let engine: Engine;
  let lc: ModelLifecycle;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlc-metrics-'));
    engine = await Engine.open({ database: scratchDatabase(join(dir, 'engine.sqlite')), defaultRetries: 1 });
    engine.handle('work', async (job) => {
      if (job.variables.fail === true) throw new Error('the work failed on purpose');
      return { variables: { done: true } };
    });
    lc = await installModelLifecycle(engine, { dataDir: dir, seedDemo: true });
    const app = createServerApp(engine, {
      requestLogs: false, cockpit: false, auth: { mode: 'basic', users: { alice: 'alice-pw' } },
      mlc: mlcRouter(lc), metrics: createEngineMetrics(engine, { lifecycle: lc, defaultMetrics: true }),
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await engine.deploy({
      name: 'metrics',
      resources: ['service-task.c7.bpmn', 'error-boundary.c7.bpmn'].map((name) => ({ name, content: readFileSync(join(FIXTURES, name)) })),
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function scrape(): Promise<Map<string, Family>> {
    const response = await fetch(`${url}/metrics`, { headers: { authorization: AUTH } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  }

  it('is behind the same authentication as the rest of the server', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/health/ready`)).status).toBe(401);
    expect((await fetch(`${url}/health/live`, { headers: { authorization: AUTH } })).status).toBe(200);
  });

  it('counts instances, incidents, jobs, batches and handler attempts as the engine works', async () => {
    const before = await scrape();
    expect(before.get('mlc_process_instances_started_total')?.type).toBe('counter');
    expect(before.get('mlc_command_batch_commit_seconds')?.type).toBe('histogram');
    expect(before.get('process_cpu_user_seconds_total')?.type).toBe('counter'); // Node's own, with defaultMetrics
    expect(valueOf(before, 'mlc_process_instances_started_total', { process: 'ServiceTaskC7' })).toBeUndefined();
    const batchesBefore = valueOf(before, 'mlc_command_batch_size_count') ?? 0;

    for (let i = 0; i < 3; i++) await engine.start('ServiceTaskC7', { variables: { fail: false } });
    await engine.start('ServiceTaskC7', { variables: { fail: true } });
    await engine.start('ErrorBoundaryC7');
    await engine.start('ErrorBoundaryC7');
    await engine.whenIdle();

    const after = await scrape();
    expect(valueOf(after, 'mlc_process_instances_started_total', { process: 'ServiceTaskC7' })).toBe(4);
    expect(valueOf(after, 'mlc_process_instances_completed_total', { process: 'ServiceTaskC7' })).toBe(3);
    expect(valueOf(after, 'mlc_process_instances_active', { process: 'ServiceTaskC7' })).toBe(1);
    expect(valueOf(after, 'mlc_process_instances_active', { process: 'ErrorBoundaryC7' })).toBe(2);
    expect(valueOf(after, 'mlc_incidents_open', { process: 'ServiceTaskC7' })).toBe(1);
    expect(valueOf(after, 'mlc_jobs_due', { kind: 'task', topic: 'risky' })).toBe(2);
    expect(valueOf(after, 'mlc_handler_duration_seconds_count', { topic: 'work', outcome: 'completed' })).toBe(3);
    expect(valueOf(after, 'mlc_handler_duration_seconds_count', { topic: 'work', outcome: 'failed' })).toBe(1);
    const batches = valueOf(after, 'mlc_command_batch_size_count')!;
    expect(batches).toBeGreaterThan(batchesBefore);
    expect(valueOf(after, 'mlc_command_batch_commit_seconds_count')).toBe(batches);
    // every command of those batches is counted once: at least the 6 starts and 4 handler outcomes
    expect(valueOf(after, 'mlc_command_batch_size_sum')! - (valueOf(before, 'mlc_command_batch_size_sum') ?? 0)).toBeGreaterThanOrEqual(10);

    // a remote worker locks one of the two waiting tasks
    const fetched = await fetch(`${url}/engine-rest/external-task/fetchAndLock`, {
      method: 'POST', headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ workerId: 'w1', maxTasks: 1, topics: [{ topicName: 'risky', lockDuration: 60_000 }] }),
    });
    expect(((await fetched.json()) as unknown[]).length).toBe(1);
    const locked = await scrape();
    expect(valueOf(locked, 'mlc_jobs_due', { kind: 'task', topic: 'risky' })).toBe(1);
    expect(valueOf(locked, 'mlc_jobs_locked', { kind: 'task', topic: 'risky' })).toBe(1);
    expect(valueOf(locked, 'mlc_external_task_fetch_seconds_count')).toBe(1);
    expect(valueOf(locked, 'mlc_external_tasks_locked_total')).toBe(1);
  });

  it('times scoring per runtime and shows the PSI of the latest drift test per feature', async () => {
    const version = lc.registry.version(DEMO_MODEL_ID, 1);
    lc.runtimes.recordDeployment(await lc.runtimes.load('dev-scoring', version), version, null);
    const q4 = generateCreditCardQuarter({ quarter: 'Q4', rows: 2000 });
    const rows = q4.rows.slice(0, 3).map((r) => Object.fromEntries(CREDIT_CARD_FEATURES.map((f, j) => [f, r[j]!])));
    const score = (body: unknown) => fetch(`${url}/mlc/runtimes/dev-scoring/score`, {
      method: 'POST', headers: { authorization: AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    expect((await score({ rows })).status).toBe(200);
    expect((await score({ rows: [{ amount: 1 }] })).status).toBe(400);

    // a backtest on Q4, whose card_age and card_fico_score drift from Q1, recorded as the test handler records it
    const evaluation = await evaluateVersion(version, lc.registry.readArtifact(version), q4, { thresholds: DEFAULT_THRESHOLDS });
    lc.store.insertTestResult({
      id: 'metrics-backtest', modelId: DEMO_MODEL_ID, version: 1, dataset: 'q4', purpose: 'backtest', passed: evaluation.verdict.passed,
      metrics: evaluation.metrics as never, drift: evaluation.drift as never, verdict: evaluation.verdict as never, error: null, instanceId: null, createdAt: Date.now(),
    });

    const families = await scrape();
    expect(valueOf(families, 'mlc_scoring_requests_total', { runtime: 'dev-scoring', outcome: 'ok' })).toBe(1);
    expect(valueOf(families, 'mlc_scoring_requests_total', { runtime: 'dev-scoring', outcome: 'error' })).toBe(1);
    expect(valueOf(families, 'mlc_scoring_duration_seconds_count', { runtime: 'dev-scoring' })).toBe(2);
    const cardAge = evaluation.drift!.features.find((f) => f.feature === 'card_age')!.psi;
    expect(cardAge).toBeGreaterThan(0.2);
    expect(valueOf(families, 'mlc_model_feature_psi', { model: DEMO_MODEL_ID, version: '1', feature: 'card_age' })).toBe(cardAge);
    expect(families.get('mlc_model_feature_psi')!.samples.length).toBe(evaluation.drift!.features.length);
  });

  it('is ready while the database takes writes and the scheduler runs, and says why not after', async () => {
    const ready = await fetch(`${url}/health/ready`, { headers: { authorization: AUTH } });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'UP', checks: [{ name: 'database', ok: true }, { name: 'scheduler', ok: true }] });
    await lc.close();
    await engine.close();
    const down = await fetch(`${url}/health/ready`, { headers: { authorization: AUTH } });
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      status: 'DOWN',
      checks: [{ name: 'database', ok: false, detail: 'the database is closed' }, { name: 'scheduler', ok: false, detail: 'the scheduler is stopped' }],
    });
    expect((await fetch(`${url}/health/live`, { headers: { authorization: AUTH } })).status).toBe(200);
    // the gauges read nothing from a closed database, and the scrape still answers
    expect((await scrape()).get('mlc_process_instances_active')!.samples).toEqual([]);
  });
});

describe('the exposition-format reader', () => {
  it('refuses what promtool refuses', () => {
    const ok = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1\\"q"} 3\n';
    expect(valueOf(parseExposition(ok), 'a_total', { x: '1"q' })).toBe(3);
    expect(() => parseExposition('a_total 1\n')).toThrow(/no # TYPE/);
    expect(() => parseExposition('# TYPE a gauge\na{1x="y"} 1\n')).toThrow(/bad label name/);
    expect(() => parseExposition('# TYPE a gauge\na one\n')).toThrow(/bad value/);
    expect(() => parseExposition('# TYPE a gauge\na 1')).toThrow(/end with a newline/);
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/not cumulative/);
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n')).toThrow(/_count differs/);
  });
});
