/**
 * The package as a user gets it: `npm pack` (which runs `prepare`: the TypeScript and the cockpit
 * bundle; skipped when dist/ is newer than every source, as right after `npm ci`), then `npm install <tarball>` into a fresh project outside this repository, then the
 * README's quick-start, the model lifecycle, the server and the `mlc` bin from that project.
 *
 * Dependencies are resolved from package.json by npm (cache first: `--prefer-offline`). Install
 * scripts are skipped and better-sqlite3's native addon is copied from this checkout, pinned to
 * the same version, because compiling SQLite from source takes minutes on a small CI machine
 * (github.com prebuilds are often unreachable there). MLC_PACKAGE_TEST_SCRIPTS=1 runs every
 * install script instead (measured: see the README).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleIsStale } from '../../src/cockpit/index.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'bpmn');
const withScripts = process.env.MLC_PACKAGE_TEST_SCRIPTS === '1';

/** dist/ was built after the last change to any source (then `npm pack` need not run `prepare` again: CI's `npm ci` just did). */
function distIsFresh(): boolean {
  const built = join(ROOT, 'dist', 'index.js');
  if (!existsSync(built) || bundleIsStale()) return false;
  const newest = (dir: string): number => Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  return Math.max(newest(join(ROOT, 'src')), statSync(join(ROOT, 'tsconfig.json')).mtimeMs) < statSync(built).mtimeMs;
}

const quiet = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

describe('the packed tarball installed into a fresh project', { timeout: 180_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'mlc-package-'));
  const project = join(work, 'consumer');
  let files: string[] = [];

  beforeAll(async () => {
    const started = Date.now();
    const rebuild = withScripts || !distIsFresh();
    const packed = await run('npm', ['pack', '--json', '--pack-destination', work, ...(rebuild ? [] : ['--ignore-scripts'])], { cwd: ROOT, env: quiet, maxBuffer: 64 * 1024 * 1024 });
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[/m))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = info!.files.map((f) => f.path);
    const sqliteVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version;
    const packedAt = Date.now();
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({
      name: 'mlc-consumer', private: true, type: 'module',
      dependencies: { 'mlc-engine': `file:${join(work, info!.filename)}` },
      // the native addon copied below is built from exactly this version
      overrides: withScripts ? {} : { 'better-sqlite3': sqliteVersion },
    }, null, 2));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...(withScripts ? [] : ['--ignore-scripts'])], {
      cwd: project, env: quiet, maxBuffer: 64 * 1024 * 1024,
    });
    if (!withScripts) {
      const addon = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
      mkdirSync(join(project, addon, '..'), { recursive: true });
      copyFileSync(join(ROOT, addon), join(project, addon));
    }
    console.log(`npm pack (${rebuild ? 'with prepare' : 'dist/ up to date'}) ${((packedAt - started) / 1000).toFixed(1)} s, npm install ${((Date.now() - packedAt) / 1000).toFixed(1)} s${withScripts ? ' with install scripts' : ''}`);
  }, 180_000);

  afterAll(() => rm(work, { recursive: true, force: true }), 120_000);

  it('contains the compiled library, the cockpit bundle, the bin and the sample processes, and no sources', () => {
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'dist/server.js', 'dist/mlc/index.js', 'dist/mlc/training/train-worker.js', 'dist/store/postgres/connection-worker.mjs',
      'dist/cockpit-assets/index.html', 'dist/cockpit-assets/app.js', 'processes/on-model-changed.bpmn', 'package.json', 'README.md']) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.endsWith('.sqlite'))).toEqual([]);
    expect(readFileSync(join(project, 'node_modules', 'mlc-engine', 'dist', 'cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('runs the README quick-start against the installed package', async () => {
    cpSync(join(ROOT, 'examples', 'quick-start.ts'), join(project, 'quick-start.ts'));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'quick-start.ts'], { cwd: project, env: { ...quiet, MLC_LOG_LEVEL: 'silent' } });
    expect(stdout.trim().split('\n')).toEqual(['fraud-v7 Deployed', 'fraud-v8 Rejected']);
  });

  it('imports the model lifecycle and the server from their exports, with the cockpit and /metrics', async () => {
    cpSync(join(ROOT, 'test', 'package', 'consumer.mjs'), join(project, 'consumer.mjs'));
    const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: project, env: { ...quiet, MLC_LOG_LEVEL: 'silent' } });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(out.version).toEqual({ version: '7.23.0' });
    expect(out.processes).toEqual(['DailyBacktesting', 'OnModelChanged', 'RetrainOnDrift']);
    expect(out.handledTopics).toEqual(out.builtinTopics);
    expect(out.models).toEqual([]);
    expect(out).toMatchObject({ metricsStatus: 200, metricsHasInstances: true, cockpitStatus: 200, cockpitHtml: true });
    expect(out.ready).toEqual({ status: 'UP', checks: [{ name: 'database', ok: true }, { name: 'scheduler', ok: true }] });
  });

  it('ships type declarations for every export (checked by tsc in the consumer project)', async () => {
    cpSync(join(ROOT, 'test', 'package', 'consumer-types.ts'), join(project, 'consumer-types.ts'));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types'), 'consumer-types.ts'];
    const result = await run(process.execPath, [tsc, ...args], { cwd: project }).then(() => ({ code: 0, stdout: '' }), (error: { code: number; stdout: string }) => error);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });

  it('puts `mlc` on the project\'s PATH for npx', async () => {
    const help = await run('npx', ['--no', '--', 'mlc', '--help'], { cwd: project, env: quiet });
    expect(help.stdout).toMatch(/^usage: mlc <command> \[flags\]/);
    // the link npx ran, directly (each npx start costs seconds)
    const bin = join(project, 'node_modules', '.bin', 'mlc');
    const lint = await run(bin, ['lint', join(FIXTURES, 'service-task.c7.bpmn')], { cwd: project, env: quiet });
    expect(lint.stdout).toMatch(/1 file\(s\) checked, no errors/);
    const failed = await run(bin, ['lint', join(FIXTURES, 'broken-gateway.bpmn')], { cwd: project, env: quiet })
      .then(() => ({ code: 0, stdout: '' }), (error: { code: number; stdout: string }) => error);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/broken-gateway\.bpmn:\d+:\d+: error .*\[Gateway_DeadEnd\]/);
  });
});
