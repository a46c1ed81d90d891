/**
 * The Camunda 7 identity REST subset over real HTTP: users (create, list, count, profile,
 * credentials, delete), groups and memberships, /identity/groups; passwords stored as scrypt
 * hashes and accepted by Basic auth; admin-only changes when authorization is enabled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityOf } from '../../src/identity/identity-service.js';
import { OPEN_TABLE } from '../../src/identity/authorizations.js';
import { startServer, type TestServer } from '../http/helpers.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ROOT = basic('root', 'root-secret');

let t: TestServer;

async function call(method: string, path: string, body?: unknown, authorization = ROOT) {
  const res = await fetch(`${t.base}${path}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  t = await startServer({ auth: { mode: 'basic', users: { root: 'root-secret' }, authorization: { enabled: true, table: OPEN_TABLE } } });
  // bootstrap as `mlc group add camunda-admin` + `mlc group member camunda-admin root` would
  const identity = identityOf(t.engine);
  identity.createGroup({ id: 'camunda-admin', name: 'Admins', type: 'SYSTEM' });
  identity.addMember('camunda-admin', 'root');
});
afterAll(() => t.close());

describe('identity REST', () => {
  it('creates a user whose password is stored as a salted scrypt hash and signs in with Basic auth', async () => {
    expect((await call('POST', '/user/create', { profile: { id: 'bob', firstName: 'Bob', lastName: 'Builder', email: 'bob@example.com' }, credentials: { password: 'bob-secret-1' } })).status).toBe(204);
    const row = t.engine.db.prepare('SELECT password_hash FROM identity_users WHERE id = ?').get('bob') as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(row.password_hash).not.toContain('bob-secret-1');

    expect((await call('GET', '/version', undefined, basic('bob', 'bob-secret-1'))).status).toBe(200);
    expect((await call('GET', '/version', undefined, basic('bob', 'wrong-password'))).status).toBe(401);
    expect((await call('GET', '/version', undefined, basic('nobody', 'bob-secret-1'))).status).toBe(401);

    expect((await call('GET', '/user/bob/profile')).body).toEqual({ id: 'bob', firstName: 'Bob', lastName: 'Builder', email: 'bob@example.com' });
    expect((await call('GET', '/user?firstName=Bob')).body).toEqual([{ id: 'bob', firstName: 'Bob', lastName: 'Builder', email: 'bob@example.com' }]);
    expect((await call('GET', '/user/count')).body).toEqual({ count: 2 }); // root (seeded from the configured users) and bob
    expect((await call('POST', '/user/create', { profile: { id: 'bob' }, credentials: { password: 'another-pw' } })).status).toBe(400);
    expect((await call('POST', '/user/create', { profile: { id: 'x' }, credentials: { password: 'short' } })).body.message).toMatch(/8 to 1024/);
    expect((await call('POST', '/user/create', { profile: { id: '../etc' }, credentials: { password: 'long-enough' } })).body.message).toMatch(/Invalid user id/);
  });

  it('lets a user change their own profile and password (proving the current one), and only an admin change others', async () => {
    const bob = basic('bob', 'bob-secret-1');
    expect((await call('PUT', '/user/bob/profile', { id: 'bob', firstName: 'Robert', lastName: 'Builder', email: null }, bob)).status).toBe(204);
    expect((await call('GET', '/user/bob/profile', undefined, bob)).body.firstName).toBe('Robert');
    expect((await call('PUT', '/user/bob/credentials', { password: 'bob-secret-2', authenticatedUserPassword: 'wrong' }, bob)).status).toBe(400);
    expect((await call('PUT', '/user/bob/credentials', { password: 'bob-secret-2', authenticatedUserPassword: 'bob-secret-1' }, bob)).status).toBe(204);
    expect((await call('GET', '/version', undefined, bob)).status).toBe(401);
    const bob2 = basic('bob', 'bob-secret-2');
    expect((await call('GET', '/version', undefined, bob2)).status).toBe(200);

    const refused = await call('POST', '/user/create', { profile: { id: 'eve' }, credentials: { password: 'eve-secret-1' } }, bob2);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ type: 'AuthorizationException', userId: 'bob', message: "The user with id 'bob' does not have 'CREATE' permission of type 'User'." });
    expect((await call('PUT', '/user/root/profile', { firstName: 'Mallory' }, bob2)).status).toBe(403);
    expect((await call('POST', '/group/create', { id: 'bobs' }, bob2)).status).toBe(403);
  });

  it('manages groups and memberships; /identity/groups lists a user\'s groups and fellow members', async () => {
    expect((await call('POST', '/group/create', { id: 'fraud-risk-officers', name: 'Fraud risk officers', type: 'WORKFLOW' })).status).toBe(204);
    expect((await call('POST', '/user/create', { profile: { id: 'carol', firstName: 'Carol', lastName: 'Checker' }, credentials: { password: 'carol-secret' } })).status).toBe(204);
    expect((await call('PUT', '/group/fraud-risk-officers/members/bob')).status).toBe(204);
    expect((await call('PUT', '/group/fraud-risk-officers/members/carol')).status).toBe(204);
    expect((await call('PUT', '/group/fraud-risk-officers/members/ghost')).status).toBe(404);
    expect((await call('PUT', '/group/no-such-group/members/bob')).status).toBe(404);

    expect((await call('GET', '/group/fraud-risk-officers')).body).toEqual({ id: 'fraud-risk-officers', name: 'Fraud risk officers', type: 'WORKFLOW' });
    expect((await call('GET', '/group?member=bob')).body).toEqual([{ id: 'fraud-risk-officers', name: 'Fraud risk officers', type: 'WORKFLOW' }]);
    expect((await call('GET', '/group/count')).body).toEqual({ count: 2 });
    expect((await call('GET', '/user?memberOfGroup=fraud-risk-officers')).body.map((u: { id: string }) => u.id)).toEqual(['bob', 'carol']);
    expect((await call('GET', '/identity/groups?userId=bob')).body).toEqual({
      groups: [{ id: 'fraud-risk-officers', name: 'Fraud risk officers' }],
      groupUsers: [{ id: 'carol', firstName: 'Carol', lastName: 'Checker', displayName: 'Carol Checker' }],
    });
    expect((await call('GET', '/identity/groups')).status).toBe(400);

    expect((await call('DELETE', '/group/fraud-risk-officers/members/carol')).status).toBe(204);
    expect((await call('GET', '/user/count?memberOfGroup=fraud-risk-officers')).body).toEqual({ count: 1 });
    expect((await call('PUT', '/group/fraud-risk-officers', { name: 'Risk officers' })).status).toBe(204);
    expect((await call('GET', '/group/fraud-risk-officers')).body.name).toBe('Risk officers');

    expect((await call('DELETE', '/user/carol')).status).toBe(204);
    expect((await call('GET', '/user/carol/profile')).status).toBe(404);
    expect((await call('GET', '/version', undefined, basic('carol', 'carol-secret'))).status).toBe(401);
    expect((await call('DELETE', '/group/fraud-risk-officers')).status).toBe(204);
    expect((await call('GET', '/group?member=bob')).body).toEqual([]);
    expect((await call('DELETE', '/group/fraud-risk-officers')).status).toBe(404);
  });
});

describe('bearer tokens resolve to stored users', () => {
  it('a token made for a user authenticates as that user; an unknown token is refused', async () => {
    const s = await startServer({ auth: { mode: 'bearer', tokens: ['legacy-token'] } });
    try {
      const identity = identityOf(s.engine);
      await identity.createUser({ id: 'dora' }, 'dora-secret');
      const token = identity.createToken('dora');
      const whoami = await fetch(`${s.base}/user?id=dora`, { headers: { authorization: `Bearer ${token}` } });
      expect(whoami.status).toBe(200);
      expect((await fetch(`${s.base}/version`, { headers: { authorization: 'Bearer legacy-token' } })).status).toBe(200);
      expect((await fetch(`${s.base}/version`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
      // the token is the actor: the task it completes is recorded as dora's
      const form = new FormData();
      form.append('p.bpmn', new Blob([PROCESS], { type: 'text/xml' }), 'p.bpmn');
      expect((await fetch(`${s.base}/deployment/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      const started = await fetch(`${s.base}/process-definition/key/tokenProcess/start`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}',
      });
      const instance = await started.json() as { id: string };
      const [task] = s.engine.queries.tasks({ processInstanceId: instance.id });
      const completed = await fetch(`${s.base}/task/${task!.id}/complete`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}',
      });
      expect(completed.status).toBe(204);
      expect(s.engine.queries.historyOf(instance.id).find((r) => r.kind === 'taskCompleted')?.actor).toBe('dora');
    } finally {
      await s.close();
    }
  });
});

const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="tokenProcess" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="u" />
    <bpmn:userTask id="u"><bpmn:incoming>f</bpmn:incoming></bpmn:userTask>
  </bpmn:process>
</bpmn:definitions>`;
