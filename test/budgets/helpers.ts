import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Engine, type EngineOptions } from '../../src/runtime/engine.js';
import { createServerApp, type ServerApp } from '../../src/http/app.js';
import { scratchDatabase } from '../postgres/store-under-test.js';

export function fixture(name: string): string {
  return readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bpmn', name), 'utf8');
}

export interface BudgetServer {
  engine: Engine;
  app: ServerApp;
  /** http://127.0.0.1:port/engine-rest */
  base: string;
  close(): Promise<void>;
}

/** The real server on 127.0.0.1:0 over a temporary SQLite file, with these engine options (budgets). */
export async function startServer(options: EngineOptions = {}): Promise<BudgetServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-budgets-'));
  const engine = await Engine.open({ database: scratchDatabase(join(dir, 'engine.sqlite')), ...options });
  const app = createServerApp(engine, { requestLogs: false });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest`;
  return {
    engine,
    app,
    base,
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

/** Deploys BPMN files over `POST /deployment/create` as Camunda Modeler does. */
export async function deploy(base: string, name: string, files: Array<{ name: string; content: string }>): Promise<Response> {
  const form = new FormData();
  form.set('deployment-name', name);
  form.set('deployment-source', 'Camunda Modeler');
  for (const file of files) form.set(file.name, new Blob([file.content], { type: 'application/octet-stream' }), file.name);
  return fetch(`${base}/deployment/create`, { method: 'POST', body: form });
}

export async function startByKey(base: string, key: string, variables: Record<string, { value: unknown; type?: string }> = {}): Promise<Response> {
  return fetch(`${base}/process-definition/key/${key}/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ variables }),
  });
}

type Row = Record<string, unknown>;

export function count(engine: Engine, sql: string, ...params: unknown[]): number {
  return (engine.db.prepare(sql).get(...params) as { n: number }).n;
}

export function incidentsOf(engine: Engine, instanceId: string): Row[] {
  return engine.db.prepare('SELECT type, element_id, message, job_id FROM incidents WHERE instance_id = ?').all(instanceId) as Row[];
}
