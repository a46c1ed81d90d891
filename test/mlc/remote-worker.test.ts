/**
 * examples/remote-train-worker against a real listening server: the engine leaves `train` to
 * remote workers (skipTopics), camunda-external-task-client-js fetches the job over the Camunda
 * REST API, trains, uploads the ONNX model to /mlc and completes the job.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTrainWorker } from '../../examples/remote-train-worker/worker.js';
import { basic, completeTask, instanceEnd, setup, taskOf, USERS, type Env } from './helpers.js';

let env: Env;
let server: Server;
let worker: ReturnType<typeof startTrainWorker>;

beforeAll(async () => {
  env = await setup({ lifecycle: { skipTopics: ['train'] } });
  server = await new Promise<Server>((resolve) => {
    const s = env.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  worker = startTrainWorker({ url, dataRoot: env.dataDir, auth: { username: 'alice', password: USERS.alice }, interval: 50 });
});

afterAll(async () => {
  worker.stop();
  await new Promise((r) => server.close(r));
  server.closeAllConnections();
  await env.close();
});

it('a remote worker trains the model for OnModelChanged and the trained version goes on to approval', async () => {
  expect(env.lc.handledTopics).not.toContain('train');
  await env.http.patch('/mlc/models/fraud-detector').send({ metadata: { requiresTraining: true, trainingData: 'datasets/credit-card-q3.csv' } }).expect(200);
  const submitted = await env.http.post('/mlc/models/fraud-detector/versions/1/submit').set('authorization', basic('carol')).send({}).expect(201);
  const instanceId = submitted.body.processInstanceId;
  const approval = await taskOf(env, instanceId, 'Task_Approve');
  expect(worker.trained()).toBe(1);
  expect(approval.variables).toMatchObject({ trainingStatus: 'succeeded', modelVersion: 2, trainingJobId: expect.stringMatching(/^remote:/) });
  const v2 = (await env.http.get('/mlc/models/fraud-detector/versions/2').expect(200)).body;
  expect(v2).toMatchObject({ status: 'tested', createdByInstance: instanceId, trainingData: 'datasets/credit-card-q3.csv', hasBaseline: true });
  await completeTask(env, approval.id, 'bob', { approved: true });
  expect(await instanceEnd(env, instanceId)).toBe('End_Deployed');
});
