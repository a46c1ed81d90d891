/**
 * `mlc user` and `mlc group` against a database file, then a real `serve` on it that signs the
 * stored user in without any MLC_AUTH_USERS, and the same commands through its REST API (--url).
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main, serve } from '../../src/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mlc-identity-cli-'));
const db = join(dir, 'engine.sqlite');
mkdirSync(join(dir, 'processes'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function mlc(...argv: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out };
}

describe('mlc user / mlc group', () => {
  it('manages users, groups and memberships in the database; a served engine signs the user in', async () => {
    expect(await mlc('user', 'add', 'bob', '--password', 'bob-secret-1', '--first-name', 'Bob', '--email', 'bob@example.com', '--db', db)).toEqual({ code: 0, out: ['user bob created'] });
    expect(await mlc('user', 'add', 'eve', '--db', db)).toEqual({ code: 0, out: ['user eve created (no password: signs in with MLC_AUTH_USERS or a token)'] });
    await expect(mlc('user', 'add', 'bob', '--password', 'other-secret', '--db', db)).rejects.toThrow(/already exists/);
    await expect(mlc('user', 'add', 'short', '--password', 'pw', '--db', db)).rejects.toThrow(/8 to 1024 characters/);
    expect((await mlc('group', 'add', 'fraud-risk-officers', '--name', 'Fraud risk officers', '--db', db)).code).toBe(0);
    expect(await mlc('group', 'member', 'fraud-risk-officers', 'bob', '--db', db)).toEqual({ code: 0, out: ['bob added to fraud-risk-officers'] });
    await expect(mlc('group', 'member', 'fraud-risk-officers', 'ghost', '--db', db)).rejects.toThrow(/User with id ghost does not exist/);
    expect((await mlc('user', 'list', '--db', db)).out).toEqual(['bob\tBob\tbob@example.com', 'eve']);
    expect((await mlc('group', 'list', '--db', db)).out).toEqual(['fraud-risk-officers\tFraud risk officers']);
    const token = (await mlc('user', 'token', 'eve', '--db', db)).out[0]!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(mlc('user', 'frobnicate', '--db', db)).rejects.toThrow(/Unknown command 'mlc user frobnicate'/);

    // basic auth with no MLC_AUTH_USERS at all: the stored user is enough
    const running = await serve({ db, port: 0, auth: 'basic', processes: join(dir, 'processes'), seedDemo: false, env: {}, logger: (await import('pino')).pino({ level: 'silent' }) });
    const saved = { user: process.env.MLC_USER, token: process.env.MLC_TOKEN };
    try {
      const bob = `Basic ${Buffer.from('bob:bob-secret-1').toString('base64')}`;
      const groups = await fetch(`${running.url}/engine-rest/identity/groups?userId=bob`, { headers: { authorization: bob } });
      expect(groups.status).toBe(200);
      expect((await groups.json()).groups).toEqual([{ id: 'fraud-risk-officers', name: 'Fraud risk officers' }]);
      expect((await fetch(`${running.url}/engine-rest/version`, { headers: { authorization: `Basic ${Buffer.from('bob:wrong').toString('base64')}` } })).status).toBe(401);

      // the database is held by the server: --db is refused with a hint, --url works
      await expect(mlc('user', 'list', '--db', db)).rejects.toThrow(/use --url/);
      process.env.MLC_USER = 'bob:bob-secret-1';
      delete process.env.MLC_TOKEN;
      expect(await mlc('group', 'member', 'fraud-risk-officers', 'bob', '--remove', '--url', `${running.url}/engine-rest`)).toEqual({ code: 0, out: ['bob removed from fraud-risk-officers'] });
      expect((await mlc('user', 'add', 'carol', '--password', 'carol-secret', '--url', `${running.url}/engine-rest`)).code).toBe(0);
      expect((await mlc('user', 'list', '--url', `${running.url}/engine-rest`)).out).toEqual(['bob\tBob\tbob@example.com', 'carol', 'eve']);
    } finally {
      process.env.MLC_USER = saved.user;
      if (saved.user === undefined) delete process.env.MLC_USER;
      if (saved.token !== undefined) process.env.MLC_TOKEN = saved.token;
      await running.close();
    }
  }, 60_000);
});
