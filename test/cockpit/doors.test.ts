/**
 * The cockpit's doors (issue 19, item 12): the registry pass-through stays inside the registry
 * whatever the spelling of `..`, and its answers name no files on the server.
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { cockpitRouter } from '../../src/cockpit/index.js';
import { isPlainRegistryPath } from '../../src/cockpit/mlc-proxy.js';
import { startCockpitServer, type CockpitServer } from './server.js';
import { expectNoLeak } from '../survival/leaks.js';

/** GET with the path sent byte for byte (fetch would normalise dot segments before sending). */
function rawGet(url: string, path: string): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path, method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('cockpit registry pass-through', () => {
  let server: CockpitServer;
  beforeAll(async () => {
    server = await startCockpitServer({
      // a stand-in registry at /mlc, so that a path that escapes it would be told apart from one that stays
      extra: async (_engine, app) => {
        app.get('/mlc/models', (_req, res) => res.json([{ id: 'fraud' }]));
      },
    });
    await server.engine.start('CockpitModelApproval', { businessKey: 'secret-business-key' });
  }, 60_000);
  afterAll(() => server.close());

  it('passes registry paths through', async () => {
    const models = await rawGet(server.url, '/cockpit/api/mlc/models');
    expect(models.status).toBe(200);
    expect(JSON.parse(models.text)).toEqual({ available: true, data: [{ id: 'fraud' }] });
  });

  it.each([
    '/cockpit/api/mlc/%2e%2e/engine-rest/process-instance',
    '/cockpit/api/mlc/%2E%2E/engine-rest/process-instance',
    '/cockpit/api/mlc/.%2e/engine-rest/process-instance',
    '/cockpit/api/mlc/%2e./engine-rest/process-instance',
    '/cockpit/api/mlc/models/%2e%2e/%2e%2e/engine-rest/process-instance',
    '/cockpit/api/mlc/%2e%2e%2fengine-rest%2fprocess-instance',
    '/cockpit/api/mlc/..%2fengine-rest/process-instance',
    '/cockpit/api/mlc/%2e/%2e%2e/engine-rest/process-instance',
    '/cockpit/api/mlc/models%5c..%5c..%5cengine-rest',
  ])('refuses %s with 400 and reaches no other route', async (path) => {
    const answer = await rawGet(server.url, path);
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/Bad registry path/);
    expect(answer.text).not.toContain('secret-business-key');
  });

  it('checks segments as they decode', () => {
    expect(isPlainRegistryPath('/models/fraud/versions/3')).toBe(true);
    expect(isPlainRegistryPath('/models/a%20b')).toBe(true);
    expect(isPlainRegistryPath('/models/%252e%252e')).toBe(true); // decodes once to a literal name, which the URL parser keeps
    for (const bad of ['/%2e%2e', '/.%2E', '/%2e', '/a%2fb', '/a%5cb', '/a%00', '/%zz', '/..']) expect(isPlainRegistryPath(bad), bad).toBe(false);
  });
});

describe('cockpit answers name no server paths', () => {
  let engine: Engine;
  let server: Server;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'mlc-no-bundle-'));
  beforeAll(async () => {
    engine = await Engine.open({ database: ':memory:' });
    const app = express();
    app.use(cockpitRouter({ engine, assetsDir: join(dir, 'missing-bundle'), buildIfMissing: false }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a missing bundle answers 503 with what to run, without the folder it looked in', async () => {
    const answer = await rawGet(url, '/');
    expect(answer.status).toBe(503);
    expect(answer.text).toMatch(/npm run build:cockpit/);
    expect(answer.text).not.toContain(dir);
    expectNoLeak(answer.text, 'GET / without a bundle');
  });
});
