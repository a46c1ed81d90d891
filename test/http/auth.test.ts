import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError, loadAuthConfig, parseAuthMode } from '../../src/http/auth.js';
import { call, fixture, modelerDeploy, startServer, type TestServer } from './helpers.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const PROTECTED = ['/deployment?maxResults=0', '/version', '/task', '/openapi.json', '/history/process-instance'];

describe('auth: none', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('ignores any Authorization header, including the literal "undefined"', async () => {
    for (const authorization of ['undefined', 'Basic garbage', 'Bearer nope']) {
      expect((await call(t.base, 'GET', '/deployment?maxResults=0', undefined, { authorization })).status).toBe(200);
    }
    const deploy = await modelerDeploy(t.base, 'service-task.c7.bpmn', fixture('service-task.c7.bpmn'));
    expect(deploy.status).toBe(200);
  });
});

describe('auth: basic', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ auth: { mode: 'basic', users: { alice: 'secret' } } });
  });
  afterAll(() => t.close());

  it('rejects missing, "undefined", malformed and wrong credentials with 401 and WWW-Authenticate', async () => {
    const bad: Array<Record<string, string>> = [
      {},
      { authorization: 'undefined' },
      { authorization: '' },
      { authorization: 'Basic' },
      { authorization: 'Basic !!!notbase64!!!' },
      { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
      { authorization: 'Bearer secret' },
      { authorization: basic('alice', 'wrong') },
      { authorization: basic('mallory', 'secret') },
    ];
    for (const headers of bad) {
      for (const path of PROTECTED) {
        const res = await call(t.base, 'GET', path, undefined, headers);
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Basic realm="mlc-engine"');
        expect(res.body.type).toBe('AuthenticationException');
      }
    }
    const deploy = await modelerDeploy(t.base, 'service-task.c7.bpmn', fixture('service-task.c7.bpmn'));
    expect(deploy.status).toBe(401);
  });

  it('accepts the right user and records them as the actor', async () => {
    const ok = { authorization: basic('alice', 'secret') };
    expect((await call(t.base, 'GET', '/deployment?maxResults=0', undefined, ok)).status).toBe(200);
    const deploy = await modelerDeploy(t.base, 'service-task.c7.bpmn', fixture('service-task.c7.bpmn'), { headers: ok });
    expect(deploy.status).toBe(200);
  });

  it('answers preflights without credentials and keeps .well-known open', async () => {
    const preflight = await fetch(`${t.base}/deployment/create`, { method: 'OPTIONS', headers: { origin: 'file://', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await call(t.url, 'GET', '/.well-known/camunda-automation-platform/webapps')).status).toBe(404);
  });
});

describe('auth: bearer', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ auth: { mode: 'bearer', tokens: ['t0ken-1', 't0ken-2'] } });
  });
  afterAll(() => t.close());

  it('rejects missing, "undefined", malformed and wrong tokens; accepts every configured token', async () => {
    for (const authorization of [undefined, 'undefined', 'Bearer', 'Bearer wrong', 'Basic dDA6a2Vu', 't0ken-1']) {
      const res = await call(t.base, 'GET', '/version', undefined, authorization === undefined ? {} : { authorization });
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="mlc-engine"');
    }
    for (const token of ['t0ken-1', 't0ken-2']) {
      expect((await call(t.base, 'GET', '/version', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    }
  });
});

describe('auth configuration', () => {
  it('reads users and tokens from the environment and from a file', () => {
    const env = { MLC_AUTH_USERS: 'alice:secret,bob:p:w', MLC_AUTH_TOKENS: 't1, t2' };
    expect(loadAuthConfig({ mode: 'basic', env }).users).toEqual({ alice: 'secret', bob: 'p:w' });
    expect(loadAuthConfig({ mode: 'bearer', env }).tokens).toEqual(['t1', 't2']);
    const dir = mkdtempSync(join(tmpdir(), 'mlc-auth-'));
    const file = join(dir, 'auth.json');
    writeFileSync(file, JSON.stringify({ users: [{ username: 'carol', password: 'pw' }], tokens: ['ft'] }));
    expect(loadAuthConfig({ mode: 'basic', file, env: {} }).users).toEqual({ carol: 'pw' });
    expect(loadAuthConfig({ mode: 'bearer', file, env: {} }).tokens).toEqual(['ft']);
  });

  it('refuses an enabled mode without credentials and unknown modes', () => {
    expect(() => loadAuthConfig({ mode: 'basic', env: {} })).toThrow(AuthConfigError);
    expect(() => loadAuthConfig({ mode: 'bearer', env: {} })).toThrow(/at least one token/);
    expect(() => parseAuthMode('kerberos')).toThrow(/Unknown auth mode/);
    expect(parseAuthMode(undefined)).toBe('none');
  });
});
