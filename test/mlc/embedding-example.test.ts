/** examples/embedding-custom-deploy: a user's `deploy` handler replaces the built-in one. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Engine, ManualClock } from '../../src/index.js';
import { createService, type Service } from '../../examples/embedding-custom-deploy/service.js';
import { until } from './helpers.js';

let service: Service;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'mlc-embed-'));
  const engine = await Engine.open({ database: ':memory:', clock: new ManualClock(Date.parse('2024-04-02T05:00:00Z')) });
  service = await createService({ dataDir, engine });
});
afterAll(async () => {
  await service.engine.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('the approved model is published by the custom deploy handler, not loaded into a runtime', async () => {
  const http = request(service.app);
  expect(service.lifecycle.handledTopics).not.toContain('deploy');
  expect(service.lifecycle.handledTopics).not.toContain('verify-deployment');
  const submitted = await http.post('/mlc/models/fraud-detector/versions/1/submit').send({}).expect(201);
  const task = await until(service.engine, async () => (await http.get('/mlc/tasks').expect(200)).body.find((t: { taskDefinitionKey: string }) => t.taskDefinitionKey === 'Task_Approve'), 'approval');
  await http.post(`/engine-rest/task/${task.id}/complete`).send({ variables: { approved: { value: true, type: 'Boolean' } } }).expect(204);
  await until(service.engine, async () => existsSync(join(service.publishDir, 'fraud-detector', 'current.json')), 'publication');
  const manifest = JSON.parse(readFileSync(join(service.publishDir, 'fraud-detector', 'current.json'), 'utf8'));
  expect(manifest).toMatchObject({ modelId: 'fraud-detector', version: 1, publishedBy: submitted.body.processInstanceId });
  expect((await http.get('/mlc/models/fraud-detector/versions/1').expect(200)).body.status).toBe('deployed');
  expect((await http.get('/mlc/runtimes/prod-scoring').expect(200)).body.deployment).toBeNull();
});
