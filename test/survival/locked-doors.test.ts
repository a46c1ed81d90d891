/**
 * Locked doors: with auth on, every route the server mounts (found by walking the express app
 * and reading the OpenAPI document, not from a hand-kept list) refuses missing, malformed, wrong
 * and `undefined` credentials with 401; secrets are compared in constant time; a non-loopback
 * bind without auth is refused; CORS never pairs `*` with credentials; state-changing routes
 * refuse foreign origins even with valid credentials; error bodies carry no stack traces or paths.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Engine } from '../../src/runtime/engine.js';
import { createServerApp, type ServerApp } from '../../src/http/app.js';
import type { AuthConfig } from '../../src/http/auth.js';
import { expectNoLeak } from './leaks.js';

const ROOT = join(import.meta.dirname, '..', '..');
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

interface Door {
  method: string;
  path: string;
}

/**
 * Every route of an express 5 app: route layers, and routers mounted with a path, recursively.
 * `restMounts` are the prefixes of routers serving `/openapi.json` (the REST API, whose routes
 * are dispatched by segment and so are taken from its OpenAPI document instead).
 */
function mountedRoutes(app: ServerApp): { doors: Door[]; restMounts: string[] } {
  const doors: Door[] = [];
  const restMounts: string[] = [];
  type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: string | string[] };
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const raw = Array.isArray(layer.rawPath) ? layer.rawPath[0] : layer.rawPath;
      if (layer.route) {
        for (const path of ([] as string[]).concat(layer.route.path)) {
          if (path === '/openapi.json' && prefix) restMounts.push(prefix);
          for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) doors.push({ method: method.toUpperCase(), path: prefix + path });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (raw && raw !== '/' ? raw : ''));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return { doors, restMounts };
}

/** `/a/:id/{*rest}` → `/a/x/x`: any value, the door must be locked before the route looks at it */
const concrete = (path: string) => path.replace(/\{\*\w+\}|\*\w*/g, 'x').replace(/:\w+/g, 'x').replace(/[{}]/g, '') || '/';

async function listen(app: ServerApp): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.each([
  { mode: 'basic' as const, good: `Basic ${b64('alice:s3cret')}` },
  { mode: 'bearer' as const, good: 'Bearer tok-3f9a2c' },
])('locked doors: auth $mode', ({ mode, good }) => {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-doors-'));
  let engine: Engine;
  let server: Server;
  let url: string;
  let doors: Door[];
  let lifecycle: { close(): Promise<void> } | undefined;
  const auth: AuthConfig = mode === 'basic' ? { mode, users: { alice: 's3cret' } } : { mode, tokens: ['tok-3f9a2c'] };

  beforeAll(async () => {
    engine = await Engine.open({ database: join(dir, 'engine.sqlite'), logger: pino({ level: 'silent' }) });
    // the model registry's router too, when it can be built here (it mounts at /mlc behind the same guard)
    let mlc;
    try {
      const m = await import('../../src/mlc/index.js');
      const lc = await m.installModelLifecycle(engine, { dataDir: join(dir, 'mlc') } as Parameters<typeof m.installModelLifecycle>[1]);
      lifecycle = lc;
      mlc = m.mlcRouter(lc);
    } catch (error) {
      console.log(`locked doors: the model registry is not mounted here (${error instanceof Error ? error.message : String(error)})`);
      mlc = undefined;
    }
    const app = createServerApp(engine, { auth, requestLogs: false, ...(mlc ? { mlc } : {}) });
    ({ server, url } = await listen(app));
    const { doors: fromApp, restMounts } = mountedRoutes(app);
    expect(restMounts).toContain('/engine-rest');
    // the REST routes as the OpenAPI document lists them (with credentials: it is locked too)
    const openapi = await (await fetch(`${url}/engine-rest/openapi.json`, { headers: { authorization: good } })).json() as { paths: Record<string, Record<string, unknown>> };
    const fromOpenApi = restMounts.flatMap((mount) => Object.entries(openapi.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path: `${mount}${path.replace(/\{(\w+)\}/g, ':$1')}` }))));
    const extra: Door[] = [
      { method: 'GET', path: '/' }, { method: 'GET', path: '/cockpit/assets/app.js' }, { method: 'GET', path: '/nothing-here' },
      { method: 'GET', path: '/engine-rest/nothing-here' }, { method: 'GET', path: '/rest/openapi.json' }, { method: 'GET', path: '/mlc/models' },
      { method: 'POST', path: '/mlc/runtimes/x/score' }, { method: 'GET', path: '/engine-rest//deployment' }, { method: 'GET', path: '/ENGINE-REST/deployment' },
    ];
    const seen = new Set<string>();
    doors = [...fromApp, ...fromOpenApi, ...extra].filter((d) => {
      const key = `${d.method} ${concrete(d.path)}`;
      if (seen.has(key) || d.path.startsWith('/.well-known/')) return false;
      seen.add(key);
      return true;
    });
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server?.close(() => resolve());
      server?.closeAllConnections();
    });
    await lifecycle?.close().catch(() => undefined);
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const badCredentials = (): Array<[string, Record<string, string>]> => [
    ['missing', {}],
    ['empty', { authorization: '' }],
    ['undefined', { authorization: 'undefined' }],
    ['null', { authorization: 'null' }],
    ['scheme only', { authorization: mode === 'basic' ? 'Basic' : 'Bearer' }],
    ['wrong scheme', { authorization: mode === 'basic' ? 'Bearer tok-3f9a2c' : `Basic ${b64('alice:s3cret')}` }],
    ['malformed base64', { authorization: 'Basic !!!not-base64!!!' }],
    ['no colon', { authorization: `Basic ${b64('alice')}` }],
    ['empty user', { authorization: `Basic ${b64(':s3cret')}` }],
    ['wrong password', { authorization: `Basic ${b64('alice:S3cret')}` }],
    ['right password, wrong user', { authorization: `Basic ${b64('mallory:s3cret')}` }],
    ['wrong token', { authorization: 'Bearer tok-3f9a2d' }],
    ['token prefix', { authorization: 'Bearer tok-3f9a2' }],
    ['token with suffix', { authorization: 'Bearer tok-3f9a2cx' }],
    ['literal undefined token', { authorization: `${mode === 'basic' ? 'Basic' : 'Bearer'} undefined` }],
    ['huge', { authorization: `${mode === 'basic' ? 'Basic' : 'Bearer'} ${'A'.repeat(8000)}` }],
    ['good one with garbage after', { authorization: `${good}\u0001` }],
  ];

  it('every mounted route answers 401 (with WWW-Authenticate) to missing, malformed, wrong and "undefined" credentials', async () => {
    expect(doors.length).toBeGreaterThan(60);
    // the discovery really found the REST API, the cockpit and (when mounted) the registry
    expect(doors.some((d) => d.path.startsWith('/engine-rest/process-definition'))).toBe(true);
    expect(doors.some((d) => d.path.startsWith('/cockpit/api'))).toBe(true);
    if (lifecycle) expect(doors.filter((d) => d.path.startsWith('/mlc/')).length).toBeGreaterThan(10);
    let refused = 0;
    const open: string[] = [];
    for (const door of doors) {
      for (const [label, headers] of badCredentials()) {
        let response: Response;
        try {
          response = await fetch(`${url}${concrete(door.path)}`, { method: door.method, headers: { accept: 'application/json', ...headers } });
        } catch (error) {
          // a header fetch itself refuses to send (control characters) never reaches the server
          if (label === 'good one with garbage after') continue;
          throw error;
        }
        const text = await response.text();
        if (response.status !== 401) open.push(`${door.method} ${door.path} [${label}] → ${response.status}`);
        else {
          refused++;
          expect(response.headers.get('www-authenticate')).toMatch(mode === 'basic' ? /^Basic realm=/ : /^Bearer realm=/);
          expectNoLeak(text, `${door.method} ${door.path}`);
          expect(text).not.toMatch(/s3cret|tok-3f9a2c/);
        }
      }
    }
    expect(open).toEqual([]);
    console.log(`locked doors (${mode}): ${doors.length} routes × ${badCredentials().length} bad credentials → ${refused} × 401`);
  }, 120_000);

  it('the right credentials open the REST API', async () => {
    for (const path of ['/engine-rest/version', '/engine-rest/process-definition', '/engine-rest/openapi.json', '/rest/deployment']) {
      const response = await fetch(`${url}${path}`, { headers: { authorization: good } });
      expect(response.status, path).toBe(200);
    }
  });

  it('CORS: preflights answer without credentials, and never pair a wildcard origin with Allow-Credentials', async () => {
    for (const door of doors.slice(0, 200)) {
      const preflight = await fetch(`${url}${concrete(door.path)}`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': door.method, 'access-control-request-headers': 'authorization' } });
      const actual = await fetch(`${url}${concrete(door.path)}`, { method: door.method, headers: { origin: 'https://evil.example', cookie: 'session=1' } });
      for (const response of [preflight, actual]) {
        const origin = response.headers.get('access-control-allow-origin');
        const credentials = response.headers.get('access-control-allow-credentials');
        if (credentials === 'true') expect(origin, `${door.method} ${door.path}`).not.toBe('*');
        // no reflected origin for a stranger either
        expect(origin, `${door.method} ${door.path}`).not.toBe('https://evil.example');
        await response.arrayBuffer();
      }
      expect(actual.status, `${door.method} ${door.path}`).toBe(401);
    }
  }, 60_000);

  it('with valid credentials, every state-changing route refuses a page from another origin (403), before it acts', async () => {
    const writes = doors.filter((d) => !['GET', 'HEAD', 'OPTIONS'].includes(d.method));
    expect(writes.length).toBeGreaterThan(20);
    const open: string[] = [];
    for (const door of writes) {
      for (const headers of [{ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
        const response = await fetch(`${url}${concrete(door.path)}`, { method: door.method, headers: { authorization: good, 'content-type': 'text/plain', ...headers }, body: '{}' });
        const text = await response.text();
        if (response.status !== 403) open.push(`${door.method} ${door.path} ${JSON.stringify(headers)} → ${response.status}`);
        else expect(JSON.parse(text).type).toBe('CrossOriginRequestException');
      }
    }
    expect(open).toEqual([]);
  }, 60_000);

  it('error bodies with valid credentials carry no stack traces or file paths', async () => {
    let sampled = 0;
    for (const door of doors.filter((d) => !d.path.startsWith('/cockpit/assets') && d.path !== '/' && !d.path.includes('score'))) {
      const response = await fetch(`${url}${concrete(door.path)}`, {
        method: door.method,
        headers: { authorization: good, accept: 'application/json', ...(door.method === 'GET' || door.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
        body: door.method === 'GET' || door.method === 'DELETE' ? undefined : '{"variables": {"a": {"value": "x", "type": "Integer"}}, "retries": -1, "workerId": 5',
      });
      const text = await response.text();
      if (response.status >= 400) {
        sampled++;
        expect(response.status, `${door.method} ${door.path}: ${text.slice(0, 200)}`).toBeLessThan(500);
        expectNoLeak(text, `${door.method} ${door.path}`);
      }
    }
    expect(sampled).toBeGreaterThan(30);
  }, 60_000);
});

describe('locked doors: configuration', () => {
  it('secrets are compared as equal-length SHA-256 digests with crypto.timingSafeEqual, without an early exit', () => {
    const source = readFileSync(join(ROOT, 'src', 'http', 'auth.ts'), 'utf8');
    expect(source).toMatch(/import \{[^}]*timingSafeEqual[^}]*\} from 'node:crypto'/);
    expect(source).toMatch(/createHash\('sha256'\)/);
    expect(source).toMatch(/timingSafeEqual\(probe, digest\)\s*\|\|\s*found/); // every secret is compared, the first match does not stop the loop
    // no plain comparison of a secret anywhere in the request path (matchesAny and the middleware)
    const requestPath = source.slice(source.indexOf('function matchesAny'));
    expect(requestPath).not.toMatch(/(password|token|credential|decoded)\s*[!=]==/);
    expect(requestPath).not.toMatch(/[!=]==\s*(password|token|credential|decoded)\b/);
    expect(requestPath).not.toMatch(/\.(includes|indexOf|startsWith)\((credential|decoded)\)/);
  });

  it('the CLI refuses a non-loopback bind without auth (flag and HOST), and bearer without a token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlc-bind-'));
    const withoutAuthEnv = () => {
      const env = { ...process.env };
      for (const name of ['MLC_AUTH', 'MLC_AUTH_USERS', 'MLC_AUTH_TOKENS', 'MLC_AUTH_FILE', 'HOST', 'PORT']) delete env[name];
      return env;
    };
    const run = (args: string[], env: Record<string, string>) => new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'serve', '--port', '0', '--db', join(dir, `${Math.random()}.sqlite`), '--processes', join(dir, 'none'), ...args], {
        cwd: ROOT,
        env: { ...withoutAuthEnv(), MLC_LOG_LEVEL: 'silent', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let stdout = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
        if (/listening on/.test(stdout)) child.kill('SIGKILL'); // it should never get here
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr, stdout });
      });
    });
    try {
      const [flag, envHost, ipv6, bearer] = await Promise.all([
        run(['--host', '0.0.0.0'], {}),
        run([], { HOST: '0.0.0.0' }),
        run(['--host', '::'], {}),
        run(['--host', '0.0.0.0', '--auth', 'bearer'], {}),
      ]);
      for (const result of [flag, envHost, ipv6]) {
        expect(result.stdout).not.toMatch(/listening on/);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/Refusing to listen on .* without authentication/);
      }
      expect(bearer.code).toBe(1);
      expect(bearer.stderr).toMatch(/Bearer auth needs at least one token/);
      for (const result of [flag, envHost, ipv6, bearer]) expectNoLeak(result.stderr, 'cli stderr');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
