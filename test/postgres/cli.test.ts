/**
 * The CLI on PostgreSQL: `mlc serve --db postgres://…` (with the model registry it installs),
 * `mlc deploy --db postgres://…` and `mlc start` with `MLC_DB`, against a throwaway cluster.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/cli.js';
import { Engine } from '../../src/index.js';
import { FIXTURES, call } from '../http/helpers.js';
import { postgresBinaries, startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster.js';

const ROOT = join(import.meta.dirname, '..', '..');

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, MLC_LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!postgresBinaries())('mlc CLI on PostgreSQL', () => {
  let cluster: ThrowawayCluster;
  let dir: string;

  beforeAll(() => {
    cluster = startThrowawayCluster();
    dir = mkdtempSync(join(tmpdir(), 'mlc-pgcli-'));
  });

  afterAll(() => {
    cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serve --db postgres://… deploys the processes folder, installs the model registry, and a second start finds both', async () => {
    const processes = join(dir, 'processes');
    mkdirSync(processes);
    cpSync(join(FIXTURES, 'user-task.c7.bpmn'), join(processes, 'user-task.c7.bpmn'));
    const db = `${cluster.url}?schema=served`;
    const options = { port: 0, db, processes, dataDir: join(dir, 'data'), env: { MLC_LOG_LEVEL: 'silent' }, auth: 'none' as const };
    const first = await serve(options);
    let models: unknown;
    try {
      const defs = await call(`${first.url}/engine-rest`, 'GET', '/process-definition');
      expect(defs.body.map((d: { key: string }) => d.key)).toContain('UserTaskC7');
      const registry = await call(first.url, 'GET', '/mlc/models');
      expect(registry.status).toBe(200);
      models = registry.body;
      expect(Array.isArray(models) && models.length).toBeGreaterThan(0); // the seeded demo model
    } finally {
      await first.close();
    }
    const second = await serve(options);
    try {
      expect((await call(`${second.url}/engine-rest`, 'GET', '/deployment?name=mlc-engine')).body).toHaveLength(1);
      expect((await call(second.url, 'GET', '/mlc/models')).body).toEqual(models);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('deploy --db and start with MLC_DB write into PostgreSQL', async () => {
    const db = `${cluster.url}?schema=cli`;
    const deployed = await run(['deploy', join(FIXTURES, 'service-task.c7.bpmn'), '--db', db]);
    expect(deployed.stderr).toBe('');
    expect(deployed.stdout).toMatch(/^deployment .*: ServiceTaskC7:1:/);
    const started = await run(['start', 'ServiceTaskC7', '--business-key', 'from-cli'], { MLC_DB: db });
    expect(started.stdout).toMatch(/^started \S+ \(active\)/);
    const engine = await Engine.open({ database: db });
    try {
      expect(engine.queries.instances({ businessKey: 'from-cli' }).map((i) => i.definitionKey)).toEqual(['ServiceTaskC7']);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
