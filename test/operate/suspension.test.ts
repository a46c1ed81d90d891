import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/runtime/engine.js';
import { ManualClock } from '../../src/runtime/timers/index.js';
import { createServerApp } from '../../src/http/app.js';
import { call, fixture } from '../http/helpers.js';
import { scratchDatabase } from '../postgres/store-under-test.js';

const START = Date.parse('2026-01-05T00:00:00Z');
const MINUTE = 60_000;

interface Rig {
  engine: Engine;
  clock: ManualClock;
  base: string;
  dir: string;
  close(keepFiles?: boolean): Promise<void>;
}

const open: Rig[] = [];

/** A real server on 127.0.0.1:0 over a file database, with a clock the test moves. */
async function rig(dir = mkdtempSync(join(tmpdir(), 'mlc-suspend-')), clock = new ManualClock(START)): Promise<Rig> {
  const engine = await Engine.open({ database: scratchDatabase(join(dir, 'engine.sqlite')), clock });
  const app = createServerApp(engine, { requestLogs: false });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest`;
  let closed = false;
  const r: Rig = {
    engine, clock, base, dir,
    async close(keepFiles = false) {
      if (closed) return;
      closed = true;
      app.closeRest();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await engine.close();
      if (!keepFiles) rmSync(dir, { recursive: true, force: true });
    },
  };
  open.push(r);
  return r;
}

afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

async function deploy(r: Rig, ...files: string[]) {
  await r.engine.deploy({ name: 'suspension', resources: files.map((file) => ({ name: file, content: fixture(file) })) });
}

async function start(r: Rig, key: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await call(r.base, 'POST', `/process-definition/key/${key}/start`, body);
  expect(res.status).toBe(200);
  return res.body.id;
}

const suspend = (r: Rig, id: string, suspended = true) => call(r.base, 'PUT', `/process-instance/${id}/suspended`, { suspended });

describe('process instance suspension (Camunda 7 REST)', () => {
  it('refuses to complete or claim a task of a suspended instance until it is activated', async () => {
    const r = await rig();
    await deploy(r, 'user-task.c7.bpmn');
    const id = await start(r, 'UserTaskC7', { variables: { reviewer: { value: 'alice', type: 'String' }, dueDate: { value: null, type: 'Null' } } });
    const [task] = (await call(r.base, 'GET', `/task?processInstanceId=${id}`)).body;

    expect((await suspend(r, id)).status).toBe(204);
    expect((await call(r.base, 'GET', `/process-instance/${id}`)).body.suspended).toBe(true);
    expect((await call(r.base, 'GET', `/task/${task.id}`)).body.suspended).toBe(true);
    expect((await call(r.base, 'GET', `/history/process-instance/${id}`)).body.state).toBe('SUSPENDED');
    expect((await call(r.base, 'GET', '/history/process-instance?suspended=true')).body.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await call(r.base, 'GET', '/history/process-instance?active=true')).body).toEqual([]);
    expect((await call(r.base, 'GET', '/process-instance?suspended=true')).body.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await call(r.base, 'GET', '/process-instance?active=true')).body).toEqual([]);
    expect((await call(r.base, 'POST', '/process-instance', { suspended: true })).body.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await call(r.base, 'POST', '/process-instance/count', { active: true })).body.count).toBe(0);
    expect((await call(r.base, 'GET', '/task?suspended=true')).body).toHaveLength(1);
    expect((await call(r.base, 'GET', '/task?active=true')).body).toHaveLength(0);

    const refused = await call(r.base, 'POST', `/task/${task.id}/complete`, {});
    expect(refused.status).toBe(500);
    expect(refused.body).toMatchObject({ type: 'RestException', message: `Cannot complete task ${task.id}: ENGINE-03043 task with id '${task.id}' is suspended.` });
    const claim = await call(r.base, 'POST', `/task/${task.id}/claim`, { userId: 'bob' });
    expect(claim.status).toBe(400);
    expect(claim.body.message).toContain('is suspended');
    expect((await call(r.base, 'GET', `/process-instance/${id}`)).status).toBe(200);

    expect((await suspend(r, id, false)).status).toBe(204);
    expect((await call(r.base, 'GET', `/task/${task.id}`)).body.suspended).toBe(false);
    expect((await call(r.base, 'POST', `/task/${task.id}/complete`, {})).status).toBe(204);
    expect((await call(r.base, 'GET', `/process-instance/${id}`)).status).toBe(404);
    const history = (await call(r.base, 'GET', `/history/process-instance/${id}`)).body;
    expect(history.state).toBe('COMPLETED');
  });

  it('does not run timers of a suspended instance; activating fires those that came due', async () => {
    const r = await rig();
    await deploy(r, 'timer-intermediate.c7.bpmn');
    const id = await start(r, 'TimerIntermediateC7');
    const [job] = (await call(r.base, 'GET', `/job?processInstanceId=${id}`)).body;
    expect(job.suspended).toBe(false);
    await suspend(r, id);
    expect((await call(r.base, 'GET', `/job?processInstanceId=${id}&suspended=true`)).body).toHaveLength(1);
    r.clock.advance(10 * MINUTE);
    await r.engine.whenIdle();
    // the timer (PT5M) is overdue but waits
    expect((await call(r.base, 'GET', `/job/${job.id}`)).status).toBe(200);
    expect((await call(r.base, 'GET', `/external-task?processInstanceId=${id}`)).body).toEqual([]);
    const execute = await call(r.base, 'POST', `/job/${job.id}/execute`);
    expect(execute.status).toBe(400);
    expect(execute.body).toMatchObject({ type: 'SuspendedEntityInteractionException', message: `ENGINE-03043 Job with id '${job.id}' is suspended.` });

    await suspend(r, id, false);
    await r.engine.whenIdle();
    const [work] = (await call(r.base, 'GET', `/external-task?processInstanceId=${id}`)).body;
    expect(work).toMatchObject({ activityId: 'Task_After', suspended: false });
  });

  it('hides external tasks of a suspended instance from fetchAndLock and refuses completing a locked one', async () => {
    const r = await rig();
    await deploy(r, 'service-task.c7.bpmn');
    const first = await start(r, 'ServiceTaskC7');
    const second = await start(r, 'ServiceTaskC7');
    const fetch = (workerId: string, maxTasks = 10) => call(r.base, 'POST', '/external-task/fetchAndLock', { workerId, maxTasks, topics: [{ topicName: 'work', lockDuration: 60_000 }] });
    const [locked] = (await fetch('w1', 1)).body;
    expect(locked.processInstanceId).toBe(first);
    expect(locked).toBeDefined();
    await suspend(r, first);
    await suspend(r, second);
    expect((await fetch('w2')).body).toEqual([]);
    expect((await call(r.base, 'GET', '/external-task?suspended=true')).body).toHaveLength(2);
    const refused = await call(r.base, 'POST', `/external-task/${locked.id}/complete`, { workerId: 'w1' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(`ENGINE-03043 ExternalTask with id '${locked.id}' is suspended.`);

    await suspend(r, first, false);
    await suspend(r, second, false);
    expect((await call(r.base, 'POST', `/external-task/${locked.id}/complete`, { workerId: 'w1' })).status).toBe(204);
    const fetched = (await fetch('w2')).body;
    expect(fetched.map((t: { processInstanceId: string }) => t.processInstanceId)).toEqual([second]);
  });

  it('lets messages and signals pass a suspended instance by', async () => {
    const r = await rig();
    await deploy(r, 'message-catch.c7.bpmn', 'signal-catch.c7.bpmn');
    const waiting = await start(r, 'MessageCatchC7', { businessKey: 'fraud-v7' });
    await suspend(r, waiting);
    const correlate = await call(r.base, 'POST', '/message', { messageName: 'MODEL_APPROVED', businessKey: 'fraud-v7' });
    expect(correlate.status).toBe(400);
    expect(correlate.body.type).toBe('RestException');
    await suspend(r, waiting, false);
    expect((await call(r.base, 'POST', '/message', { messageName: 'MODEL_APPROVED', businessKey: 'fraud-v7' })).status).toBe(204);

    const a = await start(r, 'SignalCatchC7');
    const b = await start(r, 'SignalCatchC7');
    await suspend(r, a);
    expect((await call(r.base, 'POST', '/signal', { name: 'MODEL_DATA_DRIFT' })).status).toBe(204);
    await r.engine.whenIdle();
    const waitingIn = async (id: string) => (await call(r.base, 'GET', `/process-instance/${id}/activity-instances`)).body.childActivityInstances.map((c: { activityId: string }) => c.activityId);
    expect(await waitingIn(a)).toContain('Catch_Drift');
    expect(await waitingIn(b)).not.toContain('Catch_Drift');
  });

  it('suspends by definition id or key and as a list; refuses unclear bodies', async () => {
    const r = await rig();
    await deploy(r, 'user-task.c7.bpmn');
    const vars = { variables: { reviewer: { value: 'alice', type: 'String' }, dueDate: { value: null, type: 'Null' } } };
    const [a, b, c] = [await start(r, 'UserTaskC7', vars), await start(r, 'UserTaskC7', vars), await start(r, 'UserTaskC7', vars)];
    expect((await call(r.base, 'PUT', '/process-instance/suspended', { processDefinitionKey: 'UserTaskC7', suspended: true })).status).toBe(204);
    expect((await call(r.base, 'GET', '/process-instance/count?suspended=true')).body.count).toBe(3);
    expect((await call(r.base, 'PUT', '/process-instance/suspended', { processInstanceIds: [a, b], suspended: false })).status).toBe(204);
    expect((await call(r.base, 'GET', '/process-instance?suspended=true')).body.map((i: { id: string }) => i.id)).toEqual([c]);

    const both = await call(r.base, 'PUT', '/process-instance/suspended', { processDefinitionKey: 'UserTaskC7', processInstanceIds: [a], suspended: true });
    expect(both.status).toBe(400);
    expect(both.body.message).toContain('Only one of');
    expect((await call(r.base, 'PUT', '/process-instance/suspended', { suspended: true })).status).toBe(400);
    expect((await call(r.base, 'PUT', `/process-instance/${a}/suspended`, {})).status).toBe(400);
    expect((await call(r.base, 'PUT', '/process-instance/no-such-id/suspended', { suspended: true })).status).toBe(404);
    expect((await call(r.base, 'GET', '/process-instance?suspended=true&active=true')).status).toBe(400);
  });

  it('a suspended definition starts nothing; includeProcessInstances suspends its instances too', async () => {
    const r = await rig();
    await deploy(r, 'user-task.c7.bpmn');
    const vars = { variables: { reviewer: { value: 'alice', type: 'String' }, dueDate: { value: null, type: 'Null' } } };
    const running = await start(r, 'UserTaskC7', vars);
    const [definition] = (await call(r.base, 'GET', '/process-definition?key=UserTaskC7')).body;

    const future = await call(r.base, 'PUT', `/process-definition/${definition.id}/suspended`, { suspended: true, executionDate: '2030-01-01T00:00:00.000+0000' });
    expect(future.status).toBe(400);
    expect(future.body.message).toContain('executionDate is not supported');

    expect((await call(r.base, 'PUT', `/process-definition/${definition.id}/suspended`, { suspended: true, includeProcessInstances: true })).status).toBe(204);
    expect((await call(r.base, 'GET', `/process-definition/${definition.id}`)).body.suspended).toBe(true);
    expect((await call(r.base, 'GET', '/process-definition?suspended=true')).body).toHaveLength(1);
    expect((await call(r.base, 'GET', `/process-instance/${running}`)).body.suspended).toBe(true);
    const refused = await call(r.base, 'POST', '/process-definition/key/UserTaskC7/start', vars);
    expect(refused.status).toBe(500);
    expect(refused.body).toMatchObject({ type: 'RestException', message: `Cannot instantiate process definition with key UserTaskC7: ENGINE-03043 Process Definition with id '${definition.id}' is suspended.` });

    // activating the definition alone leaves its instances suspended (includeProcessInstances false)
    expect((await call(r.base, 'PUT', '/process-definition/key/UserTaskC7/suspended', { suspended: false })).status).toBe(204);
    expect((await call(r.base, 'GET', `/process-instance/${running}`)).body.suspended).toBe(true);
    expect((await call(r.base, 'POST', '/process-definition/key/UserTaskC7/start', vars)).status).toBe(200);
    expect((await call(r.base, 'PUT', '/process-definition/suspended', { processDefinitionKey: 'UserTaskC7', suspended: false, includeProcessInstances: true })).status).toBe(204);
    expect((await call(r.base, 'GET', '/process-instance?suspended=true')).body).toEqual([]);
    expect((await call(r.base, 'PUT', '/process-definition/key/NoSuchKey/suspended', { suspended: true })).status).toBe(404);
  });

  it('a timer start event of a suspended definition does not fire', async () => {
    const r = await rig();
    await deploy(r, 'timer-start.c7.bpmn');
    await call(r.base, 'PUT', '/process-definition/key/TimerStartC7/suspended', { suspended: true });
    r.clock.advance(24 * 60 * MINUTE);
    await r.engine.whenIdle();
    expect((await call(r.base, 'GET', '/process-instance/count?processDefinitionKey=TimerStartC7')).body.count).toBe(0);
    await call(r.base, 'PUT', '/process-definition/key/TimerStartC7/suspended', { suspended: false });
    await r.engine.whenIdle();
    expect((await call(r.base, 'GET', '/process-instance/count?processDefinitionKey=TimerStartC7')).body.count).toBe(1);
  });

  it('a called instance that ends while its caller is suspended is taken up when the caller is activated', async () => {
    const r = await rig();
    await deploy(r, 'call-activity.c7.bpmn', 'call-activity-child.c7.bpmn');
    const parent = await start(r, 'CallParentC7', { variables: { threshold: { value: 1, type: 'Integer' } } });
    await r.engine.whenIdle();
    const [child] = (await call(r.base, 'GET', `/process-instance?superProcessInstance=${parent}`)).body;
    await suspend(r, parent);
    const [work] = (await call(r.base, 'POST', '/external-task/fetchAndLock', { workerId: 'w', maxTasks: 1, topics: [{ topicName: 'child-work', lockDuration: 60_000 }] })).body;
    expect(work.processInstanceId).toBe(child.id);
    expect((await call(r.base, 'POST', `/external-task/${work.id}/complete`, { workerId: 'w' })).status).toBe(204);
    await r.engine.whenIdle();
    expect((await call(r.base, 'GET', `/process-instance/${child.id}`)).status).toBe(404);
    // the caller has not moved; the report of its called instance waits as a suspended job
    expect((await call(r.base, 'GET', `/process-instance/${parent}/activity-instances`)).body.childActivityInstances.map((c: { activityId: string }) => c.activityId)).toEqual(['Call_Child']);
    expect((await call(r.base, 'GET', `/job?processInstanceId=${parent}&suspended=true`)).body).toHaveLength(1);

    await suspend(r, parent, false);
    await r.engine.whenIdle();
    expect((await call(r.base, 'GET', `/history/process-instance/${parent}`)).body.state).toBe('COMPLETED');
  });

  it('a variable set on a suspended instance triggers no conditional event', async () => {
    const r = await rig();
    await r.engine.deploy({ name: 'conditional', resources: [{ name: 'conditional-catch.c7.bpmn', content: readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bpmn', 'conditional', 'conditional-catch.c7.bpmn'), 'utf8') }] });
    const id = await start(r, 'ConditionalCatchC7', { variables: { approved: { value: false, type: 'Boolean' } } });
    const waiting = async () => (await call(r.base, 'GET', `/process-instance/${id}/activity-instances`)).body.childActivityInstances.map((c: { activityId: string }) => c.activityId);
    const before = await waiting();
    await suspend(r, id);
    expect((await call(r.base, 'PUT', `/process-instance/${id}/variables/approved`, { value: true, type: 'Boolean' })).status).toBe(204);
    await r.engine.whenIdle();
    expect(await waiting()).toEqual(before);
  });

  it('survives a restart, and records suspension in the instance history', async () => {
    const r = await rig();
    await deploy(r, 'user-task.c7.bpmn');
    const vars = { variables: { reviewer: { value: 'alice', type: 'String' }, dueDate: { value: null, type: 'Null' } } };
    const id = await start(r, 'UserTaskC7', vars);
    await suspend(r, id);
    await call(r.base, 'PUT', '/process-definition/key/UserTaskC7/suspended', { suspended: true });
    await r.close(true);

    const again = await rig(r.dir, new ManualClock(START + MINUTE));
    expect((await call(again.base, 'GET', `/process-instance/${id}`)).body.suspended).toBe(true);
    expect((await call(again.base, 'GET', '/process-definition/key/UserTaskC7')).body.suspended).toBe(true);
    const [task] = (await call(again.base, 'GET', `/task?processInstanceId=${id}`)).body;
    expect(task.suspended).toBe(true);
    expect((await call(again.base, 'POST', `/task/${task.id}/complete`, {})).status).toBe(500);
    const kinds = (again.engine.queries.historyOf(id)).map((h) => h.kind);
    expect(kinds).toContain('instanceSuspended');
  });
});
