import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoopback, lint, lintXml, platformConfig, restBaseUrl, serve } from '../../src/cli.js';
import { FIXTURES, call } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');

function run(args: string[], env: Record<string, string> = {}, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // node itself with tsx's loader (not the tsx wrapper, which relays signals through a second process)
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, MLC_LOG_LEVEL: 'warn', ...env } });
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

// every test spawns the CLI (tsx compiles it on each start): seconds per spawn on a busy machine
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
    const first = await serve({ port: 0, db, processes, env: { MLC_LOG_LEVEL: 'silent' }, logger: undefined, auth: 'none' });
    try {
      const defs = await call(`${first.url}/engine-rest`, 'GET', '/process-definition?sortBy=key&sortOrder=asc');
      expect(defs.body.map((d: { key: string; version: number }) => `${d.key}@${d.version}`)).toEqual(['ServiceTaskC7@1', 'UserTaskC7@1']);
      const deployments = await call(`${first.url}/engine-rest`, 'GET', '/deployment');
      expect(deployments.body[0]).toMatchObject({ name: 'mlc-engine', source: 'mlc serve' });
    } finally {
      await first.close();
    }
    const second = await serve({ port: 0, db, processes, env: { MLC_LOG_LEVEL: 'silent' } });
    try {
      expect((await call(`${second.url}/engine-rest`, 'GET', '/deployment/count')).body.count).toBe(1);
    } finally {
      await second.close();
    }
    const emptyFolder = join(dir, 'empty');
    mkdirSync(emptyFolder);
    const third = await serve({ port: 0, db: join(dir, 'empty.sqlite'), processes: emptyFolder, env: { MLC_LOG_LEVEL: 'silent' } });
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

  it('prints help for the CLI and for each command, and refuses unknown commands and flags', { timeout: 120_000 }, async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'deploy', 'start', 'lint']) expect(help.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    const bare = await run([]);
    expect(bare.code).toBe(1);
    expect(bare.stdout).toMatch(/^usage: mlc <command>/);
    const serveHelp = await run(['serve', '--help']);
    expect(serveHelp.code).toBe(0);
    for (const flag of ['--port', '--host', '--db', '--processes', '--data-dir', '--auth', '--auth-file', '--log-level', '--log-format']) expect(serveHelp.stdout).toContain(flag);
    for (const name of ['MLC_AUTH_USERS', 'MLC_AUTH_TOKENS', 'MLC_SEED_DEMO', 'MLC_ALERT_WEBHOOK', 'MLC_LOG_LEVEL', 'MLC_LOG_FORMAT']) expect(serveHelp.stdout).toContain(name);
    expect((await run(['help', 'start'])).stdout).toMatch(/^usage: mlc start <processKey>/);
    const unknownFlag = await run(['deploy', 'x.bpmn', '--bogus', '1']);
    expect(unknownFlag.code).toBe(1);
    expect(unknownFlag.stderr).toMatch(/^mlc: Unknown flag --bogus\nrun mlc --help/);
    const unknownCommand = await run(['launch']);
    expect(unknownCommand.code).toBe(1);
    expect(unknownCommand.stderr).toMatch(/Unknown command 'launch'/);
    expect((await run(['start', 'Key', '--variables', '[1]'])).stderr).toMatch(/--variables must be a JSON object/);
  });

  it('--url takes the server root as well as the REST base', { timeout: 120_000 }, async () => {
    expect(restBaseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/engine-rest');
    expect(restBaseUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/engine-rest');
    expect(restBaseUrl('http://127.0.0.1:8080/engine-rest/')).toBe('http://127.0.0.1:8080/engine-rest');
    expect(restBaseUrl('https://example.org/camunda/rest')).toBe('https://example.org/camunda/rest');
    expect(restBaseUrl('http://proxy/mlc')).toBe('http://proxy/mlc/engine-rest');
    expect(() => restBaseUrl('127.0.0.1:8080')).toThrow(/http\(s\) URL|http or https/);
    expect(() => restBaseUrl('ftp://host')).toThrow(/http or https/);
    const running = await serve({ port: 0, db: join(dir, 'url.sqlite'), processes: join(dir, 'none'), env: { MLC_LOG_LEVEL: 'silent', MLC_SEED_DEMO: 'false' } });
    try {
      const deployed = await run(['deploy', join(FIXTURES, 'user-task.c7.bpmn'), '--url', running.url]);
      expect(deployed.stdout).toMatch(/^deployment \S+: UserTaskC7:1:/);
      const again = await run(['deploy', join(FIXTURES, 'user-task.c7.bpmn'), '--url', `${running.url}/engine-rest/`]);
      expect(again.stdout).toMatch(/: unchanged$/m);
      const started = await run(['start', 'UserTaskC7', '--business-key', 'bk-1', '--variables', '{"n": 2, "o": {"a": 1}}', '--url', running.url]);
      expect(started.code).toBe(0);
      const id = /^started (\S+)/.exec(started.stdout)![1]!;
      expect(running.engine.instance(id).businessKey).toBe('bk-1');
      expect(running.engine.variables(id)).toEqual({ n: 2, o: { a: 1 } });
      const missing = await run(['start', 'NoSuchKey', '--url', running.url]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^mlc: 404 from .*\/engine-rest\/process-definition\/key\/NoSuchKey\/start: .*NoSuchKey/);
    } finally {
      await running.close();
    }
    const refused = await run(['start', 'UserTaskC7', '--url', running.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^mlc: cannot reach http:\/\/127\.0\.0\.1:\d+\/engine-rest/);
  });

  it('lint adds bpmnlint with Camunda\'s rules as warnings, so it fails exactly when deploy refuses', { timeout: 120_000 }, async () => {
    expect(platformConfig('<definitions modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.22.0">')).toBe('plugin:camunda-compat/camunda-platform-7-22');
    expect(platformConfig('<definitions modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">')).toBe('plugin:camunda-compat/camunda-cloud-8-6');
    expect(platformConfig('<definitions xmlns:zeebe="http://camunda.org/schema/zeebe/1.0">')).toBe('plugin:camunda-compat/camunda-cloud-8-8');
    expect(platformConfig('<definitions modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.99.0">')).toBe('plugin:camunda-compat/camunda-platform-7-24');
    expect(platformConfig('<definitions>')).toBe('plugin:camunda-compat/camunda-platform-7-23');
    // the README's quick-start diagram: no DI and no labels, which bpmnlint:recommended calls errors; the engine deploys it
    const quickStart = /const xml = `([\s\S]*?)`;/.exec(readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'quick-start.ts'), 'utf8'))![1]!.replace(/\\\$/g, '$');
    const findings = await lintXml('quick-start.bpmn', quickStart);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'warning', source: 'no-bpmndi' }));
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'warning', source: 'label-required', elementId: 'Start', line: 5 }));
    const strict = await lintXml('quick-start.bpmn', quickStart, { strict: true });
    expect(strict.filter((f) => f.severity === 'error').map((f) => f.source)).toContain('no-bpmndi');
    // a Camunda 8 rule from camunda-compat: a service task without a job type
    const c8 = readFileSync(join(FIXTURES, 'service-task.c8.bpmn'), 'utf8').replace(/<zeebe:taskDefinition[^>]*\/>/, '');
    const c8Findings = await lintXml('c8.bpmn', c8);
    expect(c8Findings).toContainEqual(expect.objectContaining({ source: 'mlc', severity: 'error' }));
    expect(c8Findings.some((f) => f.source === 'camunda-compat/implementation')).toBe(true);
    // a project's own configuration replaces the defaults
    const config = join(dir, '.bpmnlintrc');
    writeFileSync(config, JSON.stringify({ extends: 'bpmnlint:recommended', rules: { 'label-required': 'off', 'no-bpmndi': 'off' } }));
    const quickFile = join(dir, 'quick-start.bpmn');
    writeFileSync(quickFile, quickStart);
    const configured = await run(['lint', quickFile, '--config', config]);
    expect(configured.code).toBe(0);
    expect(configured.stdout).not.toMatch(/label-required|no-bpmndi/);
    expect((await run(['lint', quickFile, '--strict'])).code).toBe(1);
  });

  it('logs lifecycle events at info as JSON or pretty lines, and requests only at debug', { timeout: 120_000 }, async () => {
    const logged = async (format: string, level: string) => {
      let url = '';
      const result = await run(['serve', '--port', '0', '--db', join(dir, `log-${format}-${level}.sqlite`), '--processes', join(dir, 'missing'), '--log-format', format, '--log-level', level], { MLC_SEED_DEMO: 'false' }, (stdout, child) => {
        const match = /listening on (http:\/\/\S+) /.exec(stdout);
        if (match && !url) {
          url = match[1]!;
          void fetch(`${url}/engine-rest/version`).then(() => child.kill('SIGTERM'));
        }
      });
      expect(result.code).toBe(0);
      return result.stdout;
    };
    const json = (await logged('json', 'info')).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; url?: string });
    expect(json.map((l) => l.msg)).toEqual(expect.arrayContaining(['mlc-engine listening', 'shutting down', 'mlc-engine stopped']));
    expect(json.every((l) => l.level >= 30)).toBe(true);
    expect(json.some((l) => /request completed/.test(l.msg))).toBe(false);
    const debug = (await logged('json', 'debug')).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; req?: { url: string } });
    expect(debug).toContainEqual(expect.objectContaining({ level: 20, msg: 'request completed', req: expect.objectContaining({ url: '/engine-rest/version' }) }));
    const pretty = await logged('pretty', 'info');
    expect(pretty).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: mlc-engine listening$/m);
    expect(pretty).not.toMatch(/^\{/m);
    const bad = await run(['serve', '--port', '0', '--log-format', 'xml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Unknown log format 'xml' \(json or pretty\)/);
  });
});
