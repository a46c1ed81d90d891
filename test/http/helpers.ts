import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Engine } from '../../src/runtime/engine.js';
import { createServerApp, type ServerApp, type ServerAppOptions } from '../../src/http/app.js';
import { scratchDatabase } from '../postgres/store-under-test.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'bpmn');
export const HTTP_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'http');

export const fixture = (name: string) => readFileSync(join(FIXTURES, name));

export interface TestServer {
  engine: Engine;
  app: ServerApp;
  server: Server;
  /** http://127.0.0.1:port */
  url: string;
  /** http://127.0.0.1:port/engine-rest */
  base: string;
  dir: string;
  close(): Promise<void>;
}

/** A real server on 127.0.0.1:0 over a temporary file database. */
export async function startServer(options: ServerAppOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-http-'));
  const engine = await Engine.open({ database: scratchDatabase(join(dir, 'engine.sqlite')) });
  const app = createServerApp(engine, { requestLogs: false, ...options });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    engine,
    app,
    server,
    url,
    base: `${url}/engine-rest`,
    dir,
    async close() {
      app.closeRest();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ModelerDeployOptions {
  name?: string;
  tenantId?: string;
  attachments?: Array<{ name: string; content: string | Buffer }>;
  headers?: Record<string, string>;
}

const blobPart = (content: string | Buffer): string | Uint8Array<ArrayBuffer> => (typeof content === 'string' ? content : new Uint8Array(content));

/** `POST /deployment/create` exactly as Camunda Modeler sends it (field order, part types, `authorization: undefined`). */
export async function modelerDeploy(base: string, fileName: string, contents: string | Buffer, options: ModelerDeployOptions = {}) {
  const form = new FormData();
  form.append('deployment-name', options.name ?? fileName.replace(/\.bpmn$/, ''));
  form.append('deployment-source', 'Camunda Modeler');
  form.append('enable-duplicate-filtering', 'true');
  if (options.tenantId) form.append('tenant-id', options.tenantId);
  form.append(fileName, new Blob([blobPart(contents)], { type: 'text/xml' }), fileName);
  for (const file of options.attachments ?? []) form.append(file.name, new Blob([blobPart(file.content)]), file.name);
  const response = await fetch(`${base}/deployment/create`, {
    method: 'POST',
    body: form,
    headers: { accept: 'application/json', authorization: 'undefined', ...options.headers },
  });
  return { status: response.status, headers: response.headers, body: await response.json() as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Deploys a fixture and returns the id of its (first) process definition. */
export async function deployFixture(base: string, name: string): Promise<string> {
  const result = await modelerDeploy(base, name, fixture(name), { name: `test-${name}` });
  if (result.status !== 200) throw new Error(`deploy of ${name} failed: ${JSON.stringify(result.body)}`);
  const ids = Object.keys(result.body.deployedProcessDefinitions ?? {});
  if (ids.length === 0) throw new Error(`deploy of ${name} returned no definitions`);
  return ids[0]!;
}

/** JSON request helper: returns status and parsed body (null for an empty body). */
export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: any = null; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Polls until `check` returns a truthy value (for effects that run after a commit). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
