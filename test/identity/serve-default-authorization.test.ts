/**
 * `mlc serve --auth basic` with default settings (no MLC_AUTHORIZATION, no auth file) over real
 * HTTP: authorization is on, so a user outside the approval group cannot complete the approval
 * (the issue's first finding), and the submitter cannot approve their own version (four-eyes).
 * MLC_AUTHORIZATION=false turns it off; a value that is neither true nor false is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { serve } from '../../src/cli.js';
import { identityOf } from '../../src/identity/identity-service.js';
import { quarter, trainOnnx, writeDataset } from '../mlc/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlc-serve-authz-'));
const PROCESSES = fileURLToPath(new URL('../../processes', import.meta.url));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = trainOnnx(quarter('Q1', 1500));
const USERS = 'alice:alice-secret,bob:bob-secret,carol:carol-secret';
const as = (user: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${user}-secret`).toString('base64')}` });

/** A database whose approval group has bob in it, as `mlc user add` and `mlc group member` leave it. */
async function databaseWithApprovers(name: string): Promise<string> {
  const db = join(dir, `${name}.sqlite`);
  const engine = await Engine.open({ database: db });
  const identity = identityOf(engine);
  identity.seedUsers(['bob']);
  identity.createGroup({ id: 'fraud-risk-officers', name: 'Fraud risk officers' });
  identity.addMember('fraud-risk-officers', 'bob');
  await engine.close();
  return db;
}

async function start(name: string, env: Record<string, string>) {
  writeDataset(join(dir, name), 'q2.csv', quarter('Q2', 1500)); // the test data the lifecycle scores the version on
  return serve({
    db: await databaseWithApprovers(name), dataDir: join(dir, name), port: 0, auth: 'basic', processes: PROCESSES,
    seedDemo: false, env: { MLC_AUTH_USERS: USERS, ...env }, logger: pino({ level: 'silent' }),
  });
}

/** alice registers, uploads and submits a model; returns the open approval task's id. */
async function submitAsAlice(url: string, id: string): Promise<string> {
  const json = { ...as('alice'), 'content-type': 'application/json' };
  const created = await fetch(`${url}/mlc/models`, { method: 'POST', headers: json, body: JSON.stringify({ id, name: id, type: 'fraud', ownerGroup: 'data-science', metadata: { approvalGroup: 'fraud-risk-officers', testData: 'datasets/q2.csv', runtimeTags: ['fraud'], deployStage: 'PROD' } }) });
  expect(created.status).toBe(201);
  const form = new FormData();
  form.append('model', new Blob([Buffer.from(model.bytes)]), 'model.onnx');
  expect((await fetch(`${url}/mlc/models/${id}/versions`, { method: 'POST', headers: as('alice'), body: form })).status).toBe(201);
  const submitted = await fetch(`${url}/mlc/models/${id}/versions/1/submit`, { method: 'POST', headers: json, body: '{}' });
  expect(submitted.status).toBe(201);
  const { processInstanceId } = await submitted.json() as { processInstanceId: string };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const tasks = await (await fetch(`${url}/engine-rest/task?processInstanceId=${processInstanceId}&taskDefinitionKey=Task_Approve`, { headers: as('alice') })).json() as Array<{ id: string }>;
    if (tasks[0]) return tasks[0].id;
    if (Date.now() > deadline) throw new Error('no approval task');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const approve = (url: string, taskId: string, user: string) => fetch(`${url}/engine-rest/task/${taskId}/complete`, {
  method: 'POST', headers: { ...as(user), 'content-type': 'application/json' },
  body: JSON.stringify({ variables: { approved: { value: true, type: 'Boolean' }, comment: { value: 'ok', type: 'String' } } }),
});

describe('mlc serve --auth basic: authorization on by default', () => {
  it('refuses the non-member and the submitter (403) and lets a member of the approval group approve', async () => {
    const running = await start('default', {});
    try {
      const taskId = await submitAsAlice(running.url, 'fraud-default');
      const carol = await approve(running.url, taskId, 'carol');
      expect(carol.status).toBe(403);
      expect(await carol.json()).toMatchObject({ type: 'AuthorizationException', userId: 'carol' });
      expect((await approve(running.url, taskId, 'alice')).status).toBe(403);
      expect((await approve(running.url, taskId, 'bob')).status).toBe(204);
    } finally {
      await running.close();
    }
  }, 60_000);

  it('MLC_AUTHORIZATION=false turns it off; a value other than true or false is refused', async () => {
    const running = await start('off', { MLC_AUTHORIZATION: 'false' });
    try {
      const taskId = await submitAsAlice(running.url, 'fraud-off');
      expect((await approve(running.url, taskId, 'carol')).status).toBe(204);
    } finally {
      await running.close();
    }
    await expect(start('bad', { MLC_AUTHORIZATION: 'yes' })).rejects.toThrow(/MLC_AUTHORIZATION must be true or false/);
  }, 60_000);
});
