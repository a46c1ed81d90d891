/**
 * The operator routes are authorized on the server (authorization on, as with --auth): suspension
 * needs the table's `suspend` (Camunda 7's SUSPEND / SUSPEND_INSTANCE on the ProcessDefinition);
 * instance modification, incident resolution (/engine-rest, /v2 and the cockpit API), job and
 * external-task retries and running a job need `modify` (UPDATE_INSTANCE); cancelling an instance
 * (/engine-rest and /v2) needs `cancel` (DELETE_INSTANCE). A refused user gets Camunda's 403
 * AuthorizationException and nothing changes; a granted member and an admin succeed.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/runtime/engine.js';
import { ManualClock } from '../../src/runtime/timers/index.js';
import { createServerApp } from '../../src/http/app.js';
import { identityOf } from '../../src/identity/identity-service.js';
import { DEFAULT_TABLE, parseAuthorizationTable } from '../../src/identity/authorizations.js';
import { fixture } from '../http/helpers.js';

const USERS = { root: 'root-secret', olive: 'olive-secret', carol: 'carol-secret' };
type User = keyof typeof USERS;
let engine: Engine;
let app: ReturnType<typeof createServerApp>;

beforeAll(async () => {
  engine = await Engine.open({ database: ':memory:', clock: new ManualClock(Date.parse('2026-01-05T00:00:00Z')) });
  app = createServerApp(engine, {
    requestLogs: false,
    auth: { mode: 'basic', users: USERS, authorization: { enabled: true, table: parseAuthorizationTable({ suspend: ['operators'], modify: ['operators'], cancel: ['operators'] }) } },
  });
  const identity = identityOf(engine);
  identity.createGroup({ id: 'camunda-admin' });
  identity.addMember('camunda-admin', 'root');
  identity.createGroup({ id: 'operators' });
  identity.addMember('operators', 'olive');
  const files = ['user-task.c7.bpmn', 'modification.c7.bpmn', 'service-task.c7.bpmn', 'timer-intermediate.c7.bpmn'];
  await engine.deploy({ name: 'operator-auth', resources: files.map((name) => ({ name, content: fixture(name) })) });
});
afterAll(async () => {
  app.closeRest();
  await engine.close();
});

const as = (user: User) => ({
  put: (path: string, body: object) => request(app).put(path).auth(user, USERS[user]).send(body),
  post: (path: string, body: object) => request(app).post(path).auth(user, USERS[user]).send(body),
  delete: (path: string) => request(app).delete(path).auth(user, USERS[user]),
});

function expectRefused(res: request.Response, permissionName: string, resourceId: string | null) {
  expect(res.status).toBe(403);
  expect(res.body).toMatchObject({
    type: 'AuthorizationException', userId: 'carol',
    message: expect.stringContaining(`does not have '${permissionName}' permission`),
    missingAuthorizations: [{ permissionName, resourceName: 'ProcessDefinition', resourceId }],
  });
}

const suspended = (instanceId: string) => engine.instance(instanceId).suspended === true;
const definitionSuspended = (key: string) => engine.queries.definitions({ key, maxResults: 10 }).some((d) => d.suspended === true);

describe('suspension routes', () => {
  it('refuse a user without suspend (state unchanged) and let the granted group and admins suspend and activate', async () => {
    const { id } = await engine.start('UserTaskC7');
    const definitionId = engine.instance(id).definitionId;
    const routes: Array<[string, object, string?]> = [
      [`/engine-rest/process-instance/${id}/suspended`, { suspended: true }, 'SUSPEND_INSTANCE'],
      ['/engine-rest/process-instance/suspended', { suspended: true, processInstanceIds: [id] }, 'SUSPEND_INSTANCE'],
      ['/engine-rest/process-instance/suspended', { suspended: true, processDefinitionKey: 'UserTaskC7' }, 'SUSPEND_INSTANCE'],
      [`/engine-rest/process-definition/${definitionId}/suspended`, { suspended: true, includeProcessInstances: true }],
      ['/engine-rest/process-definition/key/UserTaskC7/suspended', { suspended: true, includeProcessInstances: true }],
      ['/engine-rest/process-definition/suspended', { suspended: true, processDefinitionKey: 'UserTaskC7', includeProcessInstances: true }],
    ];
    for (const [path, body, permission = 'SUSPEND'] of routes) {
      expectRefused(await as('carol').put(path, body), permission, 'UserTaskC7');
      expect(suspended(id)).toBe(false);
      expect(definitionSuspended('UserTaskC7')).toBe(false);
      for (const user of ['olive', 'root'] as const) {
        await as(user).put(path, body).expect(204);
        expect(suspended(id)).toBe(true);
        await as(user).put(path, { ...body, suspended: false }).expect(204);
        expect(suspended(id)).toBe(false);
        expect(definitionSuspended('UserTaskC7')).toBe(false);
      }
    }
  });
});

describe('instance modification', () => {
  it('refuses a user without modify and changes nothing; the operator modifies', async () => {
    const { id } = await engine.start('ModificationC7');
    const active = () => engine.queries.elementInstancesOf(id).filter((e) => e.state === 'active').map((e) => e.elementId).sort();
    const before = active();
    const body = { instructions: [{ type: 'startBeforeActivity', activityId: 'Approve' }] };
    expectRefused(await as('carol').post(`/engine-rest/process-instance/${id}/modification`, body), 'UPDATE_INSTANCE', 'ModificationC7');
    expect(active()).toEqual(before);
    await as('olive').post(`/engine-rest/process-instance/${id}/modification`, body).expect(204);
    expect(active()).toContain('Approve');
  });
});

describe('cancellation', () => {
  it('refuses a user without cancel over /engine-rest and /v2 (the instance keeps running); the operator cancels', async () => {
    const first = await engine.start('ModificationC7');
    expectRefused(await as('carol').delete(`/engine-rest/process-instance/${first.id}`), 'DELETE_INSTANCE', 'ModificationC7');
    expect(engine.instance(first.id).state).toBe('active');
    await as('olive').delete(`/engine-rest/process-instance/${first.id}`).expect(204);
    expect(engine.instance(first.id).state).not.toBe('active');

    await engine.start('ModificationC7');
    const running = async () => (await request(app).get('/engine-rest/process-instance/count?processDefinitionKey=ModificationC7').auth('root', USERS.root).expect(200)).body.count as number;
    const before = await running();
    const [found] = (await as('carol').post('/v2/process-instances/search', { filter: { processDefinitionId: 'ModificationC7', state: 'ACTIVE' } }).expect(200)).body.items as Array<{ processInstanceKey: string }>;
    const cancel = (user: User) => request(app).post(`/v2/process-instances/${found!.processInstanceKey}/cancellation`).auth(user, USERS[user]).send({});
    const refused = await cancel('carol');
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain("does not have 'DELETE_INSTANCE' permission");
    expect(await running()).toBe(before);
    await cancel('root').expect(204);
    expect(await running()).toBe(before - 1);
  });
});

describe('incidents, retries and jobs', () => {
  async function failedExternalTask(): Promise<{ taskId: string; incidentId: string }> {
    const { id } = await engine.start('ServiceTaskC7');
    // the worker (any signed-in user) fetches and fails the task with no retries left: an incident
    const fetched = (await as('carol').post('/engine-rest/external-task/fetchAndLock', { workerId: 'w', maxTasks: 10, topics: [{ topicName: 'work', lockDuration: 60_000, processInstanceId: id }] }).expect(200)).body as Array<{ id: string; processInstanceId: string }>;
    const locked = fetched.find((t) => t.processInstanceId === id)!;
    await as('carol').post(`/engine-rest/external-task/${locked.id}/failure`, { workerId: 'w', errorMessage: 'boom', retries: 0, retryTimeout: 0 }).expect(204);
    const incident = engine.queries.incidents({ processInstanceId: id, maxResults: 1 })[0];
    expect(incident).toBeDefined();
    return { taskId: locked.id, incidentId: incident!.id };
  }
  const isOpen = (incidentId: string) => engine.queries.incidents({ id: incidentId, maxResults: 1 }).length === 1;

  it('external-task retries and incident resolution (/engine-rest and /v2) need modify', async () => {
    const first = await failedExternalTask();
    expectRefused(await as('carol').put(`/engine-rest/external-task/${first.taskId}/retries`, { retries: 2 }), 'UPDATE_INSTANCE', 'ServiceTaskC7');
    expect(isOpen(first.incidentId)).toBe(true);
    await as('olive').put(`/engine-rest/external-task/${first.taskId}/retries`, { retries: 2 }).expect(204);
    expect(isOpen(first.incidentId)).toBe(false);

    const second = await failedExternalTask();
    expectRefused(await as('carol').delete(`/engine-rest/incident/${second.incidentId}`), 'UPDATE_INSTANCE', 'ServiceTaskC7');
    expect(isOpen(second.incidentId)).toBe(true);
    await as('root').delete(`/engine-rest/incident/${second.incidentId}`).expect(204);
    expect(isOpen(second.incidentId)).toBe(false);

    const third = await failedExternalTask();
    const found = (await as('carol').post('/v2/incidents/search', { filter: { elementId: 'Task_Work' } }).expect(200)).body.items as Array<{ incidentKey: string }>;
    expect(found).toHaveLength(1);
    const resolve = () => request(app).post(`/v2/incidents/${found[0]!.incidentKey}/resolution`);
    const refused = await resolve().auth('carol', USERS.carol).send({});
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain("does not have 'UPDATE_INSTANCE' permission");
    expect(isOpen(third.incidentId)).toBe(true);
    await resolve().auth('olive', USERS.olive).send({}).expect(204);
    expect(isOpen(third.incidentId)).toBe(false);

    // the cockpit's retry button goes through its own API: the same check
    const fourth = await failedExternalTask();
    const retry = (user: User) => request(app).post(`/cockpit/api/incidents/${fourth.incidentId}/retry`).auth(user, USERS[user]).send({});
    const cockpitRefused = await retry('carol');
    expect(cockpitRefused.status, JSON.stringify(cockpitRefused.body)).toBe(403);
    expect(cockpitRefused.body).toMatchObject({ type: 'AuthorizationException', userId: 'carol', missingAuthorizations: [{ permissionName: 'UPDATE_INSTANCE', resourceName: 'ProcessDefinition', resourceId: 'ServiceTaskC7' }] });
    expect(isOpen(fourth.incidentId)).toBe(true);
    await retry('olive').expect(200);
    expect(isOpen(fourth.incidentId)).toBe(false);
  });

  it('job retries and running a job now need modify', async () => {
    const { id } = await engine.start('TimerIntermediateC7');
    const jobsOf = async () => (await request(app).get(`/engine-rest/job?processInstanceId=${id}`).auth('carol', USERS.carol).expect(200)).body as Array<{ id: string; retries: number }>;
    const [timer] = await jobsOf();
    expectRefused(await as('carol').put(`/engine-rest/job/${timer!.id}/retries`, { retries: 7 }), 'UPDATE_INSTANCE', 'TimerIntermediateC7');
    expectRefused(await request(app).post(`/engine-rest/job/${timer!.id}/execute`).auth('carol', USERS.carol), 'UPDATE_INSTANCE', 'TimerIntermediateC7');
    expect(await jobsOf()).toEqual([timer]);
    await request(app).post(`/engine-rest/job/${timer!.id}/execute`).auth('olive', USERS.olive).expect(204);
    const [next] = await jobsOf();
    expect(next!.id).not.toBe(timer!.id); // the timer fired: the instance waits in the task after it
    await as('olive').put(`/engine-rest/job/${next!.id}/retries`, { retries: 7 }).expect(204);
    expect((await jobsOf())[0]!.retries).toBe(7);
  });
});

describe('the default table', () => {
  it('leaves suspend, modify and cancel to admins when the configuration names no group for them', () => {
    expect(DEFAULT_TABLE.suspend).toEqual([]);
    expect(parseAuthorizationTable({ deploy: ['deployers'] })).toMatchObject({ deploy: ['deployers'], start: ['*'], suspend: [], modify: [], cancel: [] });
  });
});
