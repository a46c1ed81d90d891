/** `mlc serve --trainers file.json`: the operator's training commands, the only ones a model can pick. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mlc-cli-trainers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mlc serve --trainers', () => {
  it('refuses a trainers file that is not a map of names to argv arrays', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ 'shell please': 'rm -rf /' }));
    await expect(serve({ port: 0, db: join(dir, 'bad.sqlite'), processes: join(dir, 'none'), env: {}, auth: 'none', seedDemo: false, trainersFile: file }))
      .rejects.toThrow(/^Invalid trainers file '.*bad\.json': trainer name must match/);
  });

  it('runs the trainer a model names, and refuses one the file does not list', async () => {
    const file = join(dir, 'trainers.json');
    writeFileSync(file, JSON.stringify({ 'gpu-job': [process.execPath, '-e', 'console.log("training on", process.env.MLC_MODEL_ID); process.exit(5)'] }));
    const running = await serve({ port: 0, db: join(dir, 'serve.sqlite'), processes: join(dir, 'none'), env: {}, auth: 'none', trainersFile: file });
    try {
      const http = request(running.url);
      await http.patch('/mlc/models/fraud-detector').send({ metadata: { trainer: 'gpu-job' } }).expect(200);
      const started = await http.post('/mlc/models/fraud-detector/training-jobs').send({ trainingData: 'datasets/credit-card-q1.csv' }).expect(202);
      let job: { status: string; error: string | null; log: string } | undefined;
      for (let i = 0; i < 400 && (!job || job.status === 'running'); i++) {
        await new Promise((r) => setTimeout(r, 25));
        job = (await http.get(`/mlc/training-jobs/${started.body.id}`).expect(200)).body;
      }
      expect(job).toMatchObject({ status: 'failed', error: 'training exited with code 5: training on fraud-detector (attempt 2 of 2, no attempts left)' });

      await http.patch('/mlc/models/fraud-detector').send({ metadata: { trainer: 'curl-pipe-sh' } }).expect(200);
      const refused = await http.post('/mlc/models/fraud-detector/training-jobs').send({ trainingData: 'datasets/credit-card-q1.csv' }).expect(400);
      expect(refused.body.message).toBe(`model 'fraud-detector' names trainer "curl-pipe-sh", which this server does not offer (offered: builtin, gpu-job)`);
    } finally {
      await running.close();
    }
  }, 60_000);

  it('--skip-topics train leaves training to a remote worker: the job waits on the external-task API', async () => {
    const running = await serve({ port: 0, db: join(dir, 'skip.sqlite'), processes: 'processes', env: {}, auth: 'none', skipTopics: ['train'] });
    try {
      const http = request(running.url);
      await http.patch('/mlc/models/fraud-detector').send({ metadata: { requiresTraining: true } }).expect(200);
      const submitted = await http.post('/mlc/models/fraud-detector/versions/1/submit').send({}).expect(201);
      let waiting: { topicName: string; processInstanceId: string }[] = [];
      for (let i = 0; i < 200 && waiting.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 25));
        waiting = (await http.get('/engine-rest/external-task?topicName=train').expect(200)).body;
      }
      expect(waiting).toEqual([expect.objectContaining({ topicName: 'train', processInstanceId: submitted.body.processInstanceId })]);
      expect((await http.get('/mlc/models/fraud-detector/training-jobs').expect(200)).body).toEqual([]);
    } finally {
      await running.close();
    }
  });
});
