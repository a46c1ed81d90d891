/**
 * The operator routes are authorized on the server (authorization on, as with --auth): suspension
 * and instance modification need the table's `suspend` / `modify` (Camunda 7's SUSPEND and
 * UPDATE_INSTANCE on the ProcessDefinition). A refused user gets Camunda's 403
 * AuthorizationException and nothing changes; a granted group member and an admin succeed.
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
    requestLogs: false, cockpit: false,
    auth: { mode: 'basic', users: USERS, authorization: { enabled: true, table: parseAuthorizationTable({ suspend: ['operators'], modify: ['operators'] }) } },
  });
  const identity = identityOf(engine);
  identity.createGroup({ id: 'camunda-admin' });
  identity.addMember('camunda-admin', 'root');
  identity.createGroup({ id: 'operators' });
  identity.addMember('operators', 'olive');
  const files = ['user-task.c7.bpmn', 'modification.c7.bpmn'];
  await engine.deploy({ name: 'operator-auth', resources: files.map((name) => ({ name, content: fixture(name) })) });
});
afterAll(async () => {
  app.closeRest();
  await engine.close();
});

const as = (user: User) => ({
  put: (path: string, body: object) => request(app).put(path).auth(user, USERS[user]).send(body),
  post: (path: string, body: object) => request(app).post(path).auth(user, USERS[user]).send(body),
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
    const routes: Array<[string, object]> = [
      [`/engine-rest/process-instance/${id}/suspended`, { suspended: true }],
      ['/engine-rest/process-instance/suspended', { suspended: true, processInstanceIds: [id] }],
      ['/engine-rest/process-instance/suspended', { suspended: true, processDefinitionKey: 'UserTaskC7' }],
      [`/engine-rest/process-definition/${definitionId}/suspended`, { suspended: true, includeProcessInstances: true }],
      ['/engine-rest/process-definition/key/UserTaskC7/suspended', { suspended: true, includeProcessInstances: true }],
      ['/engine-rest/process-definition/suspended', { suspended: true, processDefinitionKey: 'UserTaskC7', includeProcessInstances: true }],
    ];
    for (const [path, body] of routes) {
      expectRefused(await as('carol').put(path, body), 'SUSPEND', 'UserTaskC7');
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

describe('the default table', () => {
  it('leaves suspend and modify to admins when the configuration names no group for them', () => {
    expect(DEFAULT_TABLE.suspend).toEqual([]);
    expect(parseAuthorizationTable({ deploy: ['deployers'] })).toMatchObject({ deploy: ['deployers'], start: ['*'], suspend: [], modify: [] });
  });
});
