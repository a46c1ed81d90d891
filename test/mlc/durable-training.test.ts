/**
 * Training is durable work: a server killed with SIGKILL mid-training reruns the job under the
 * same id when it comes back (each attempt in a folder of its own), and the
 * process that polls it carries on; a training that fails for good ends in an alert and a review
 * task, never silently.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { quarter, setup, taskOf, trainOnnx } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlc-durable-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** `mlc serve` in a process group of its own; resolves with its URL once it listens. */
function startServer(trainers: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--db', join(dir, 'engine.sqlite'),
    '--processes', 'processes', '--auth', 'none', '--trainers', trainers], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on('data', (chunk) => (out += String(chunk)));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

/** SIGKILL to the server alone: its trainer is orphaned and keeps running, as after `kill -9` of the server. */
const killServer = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.once('exit', () => resolve());
  child.kill('SIGKILL');
});

describe('a training job and a killed server', () => {
  it('SIGKILL mid-training: on restart the same job runs again and OnModelChanged goes on to approval', async () => {
    // a trainer the operator configured: notes each attempt, takes 1.5 s, then writes a real ONNX model
    const model = join(dir, 'trained.onnx');
    writeFileSync(model, trainOnnx(quarter('Q1', 500)).bytes);
    const attempts = join(dir, 'attempts.log');
    const script = `require('fs').appendFileSync(${JSON.stringify(attempts)}, 'attempt\\n');` +
      `setTimeout(() => require('fs').copyFileSync(${JSON.stringify(model)}, require('path').join(process.env.MLC_OUTPUT_DIR, 'model.onnx')), 1500);`;
    const trainers = join(dir, 'trainers.json');
    writeFileSync(trainers, JSON.stringify({ slow: [process.execPath, '-e', script] }));

    let server = await startServer(trainers);
    let http = request(server.url);
    await http.patch('/mlc/models/fraud-detector').send({ metadata: { trainer: 'slow', requiresTraining: true, trainingPollInterval: 'PT1S' } }).expect(200);
    const submitted = await http.post('/mlc/models/fraud-detector/versions/1/submit').send({}).expect(201);
    const instanceId = submitted.body.processInstanceId as string;
    const job = await poll(async () => (await http.get('/mlc/models/fraud-detector/training-jobs').expect(200)).body.find((j: any) => j.instanceId === instanceId));
    await poll(async () => readFileSafe(attempts).includes('attempt'));
    await killServer(server.child);
    expect(readFileSafe(attempts)).toBe('attempt\n'); // the first attempt never finished (its orphan writes only into its own attempt-1 folder)

    server = await startServer(trainers);
    http = request(server.url);
    const approval = await poll(async () => (await http.get('/mlc/tasks').expect(200)).body.find((t: any) => t.processInstanceId === instanceId), 30_000);
    expect(approval.taskDefinitionKey).toBe('Task_Approve');
    expect(approval.variables).toMatchObject({ trainingJobId: job.id, trainingStatus: 'succeeded', modelVersion: 2 });
    const after = (await http.get(`/mlc/training-jobs/${job.id}`).expect(200)).body;
    expect(after).toMatchObject({ id: job.id, status: 'succeeded', resultVersion: 2 });
    expect(after.log).toMatch(/--- attempt 1 of 2[\s\S]*--- attempt 2 of 2/);
    expect(readFileSafe(attempts)).toBe('attempt\nattempt\n');
    await killServer(server.child);
  }, 90_000);
});

describe('a training that fails for good', () => {
  it('ends in an alert and a review task naming the reason', async () => {
    const env = await setup({ lifecycle: { trainers: { broken: [process.execPath, '-e', 'console.log("no GPU"); process.exit(7)'] } } });
    try {
      await env.http.patch('/mlc/models/fraud-detector').send({ metadata: { trainer: 'broken', requiresTraining: true, trainingPollInterval: 'PT1S', trainingAttempts: 1 } }).expect(200);
      const submitted = await env.http.post('/mlc/models/fraud-detector/versions/1/submit').send({}).expect(201);
      const review = await taskOf(env, submitted.body.processInstanceId, 'Task_ReviewTraining', () => (env.clock as any).advance(1000));
      expect(review.variables.failureReason).toMatch(/training of fraud-detector failed: training exited with code 7: no GPU \(attempt 1 of 1, no attempts left\)/);
      const alerts = (await env.http.get('/mlc/alerts').expect(200)).body;
      expect(alerts).toEqual([expect.objectContaining({ kind: 'training-failed', severity: 'error', instanceId: submitted.body.processInstanceId, message: expect.stringMatching(/no GPU/) })]);
    } finally {
      await env.close();
    }
  });
});

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function poll<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
