import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoopback, lint, serve } from '../../src/cli.js';
import { FIXTURES, call } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function run(args: string[], env: Record<string, string> = {}, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(TSX, ['src/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, MLC_LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('mlc CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to listen on a non-loopback host without auth', async () => {
    const result = await run(['serve', '--host', '0.0.0.0', '--port', '0', '--db', join(dir, 'refused.sqlite')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Refusing to listen on 0\.0\.0\.0 without authentication/);
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('10.0.0.5')).toBe(false);
  });

  it('serve deploys processes/*.bpmn at start with duplicate filtering, and an empty folder is fine', async () => {
    const processes = join(dir, 'processes');
    mkdirSync(processes);
    cpSync(join(FIXTURES, 'service-task.c7.bpmn'), join(processes, 'service-task.c7.bpmn'));
    cpSync(join(FIXTURES, 'user-task.c7.bpmn'), join(processes, 'user-task.c7.bpmn'));
    const db = join(dir, 'serve.sqlite');
    const first = await serve({ port: 0, db, processes, env: {}, logger: undefined, auth: 'none' });
    try {
      const defs = await call(`${first.url}/engine-rest`, 'GET', '/process-definition?sortBy=key&sortOrder=asc');
      expect(defs.body.map((d: { key: string; version: number }) => `${d.key}@${d.version}`)).toEqual(['ServiceTaskC7@1', 'UserTaskC7@1']);
      const deployments = await call(`${first.url}/engine-rest`, 'GET', '/deployment');
      expect(deployments.body[0]).toMatchObject({ name: 'mlc-engine', source: 'mlc serve' });
    } finally {
      await first.close();
    }
    const second = await serve({ port: 0, db, processes, env: {} });
    try {
      expect((await call(`${second.url}/engine-rest`, 'GET', '/deployment/count')).body.count).toBe(1);
    } finally {
      await second.close();
    }
    const emptyFolder = join(dir, 'empty');
    mkdirSync(emptyFolder);
    const third = await serve({ port: 0, db: join(dir, 'empty.sqlite'), processes: emptyFolder, env: {} });
    await third.close();
  });

  it('`serve` runs as a process, prints its URL and shuts down gracefully on SIGTERM', async () => {
    let url = '';
    const result = await run(['serve', '--port', '0', '--db', join(dir, 'spawned.sqlite'), '--processes', join(dir, 'missing')], {}, (stdout, child) => {
      const match = /listening on (http:\/\/\S+) /.exec(stdout);
      if (match && !url) {
        url = match[1]!;
        void fetch(`${url}/engine-rest/version`).then((r) => r.json()).then((body) => {
          expect(body).toEqual({ version: '7.23.0' });
          child.kill('SIGTERM');
        });
      }
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.code).toBe(0);
  });

  it('lint prints problems as file:line:column and fails on errors', async () => {
    const lines: string[] = [];
    const broken = join(FIXTURES, 'broken-gateway.bpmn');
    expect(await lint([broken], (l) => lines.push(l))).toBe(1);
    expect(lines[0]).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error .*Gateway_DeadEnd`));
    const okLines: string[] = [];
    expect(await lint([join(FIXTURES, 'service-task.c7.bpmn')], (l) => okLines.push(l))).toBe(0);
    const spawned = await run(['lint', broken]);
    expect(spawned.code).toBe(1);
    expect(spawned.stdout).toMatch(/broken-gateway\.bpmn:\d+:\d+: error/);
  });
});
