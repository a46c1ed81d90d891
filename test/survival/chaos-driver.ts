/**
 * Chaos driver: starts the real server (`chaos-server.ts`, the engine on a file database behind
 * the real HTTP app) on loopback, keeps a few hundred instances of a mixed process in flight over
 * REST (service tasks run by in-process handlers, a user task the driver completes over REST, a
 * 1 s timer, a parallel join), kills the server with SIGKILL at seeded random moments, restarts it,
 * and in the end drives every instance to completion and checks the database and the handler log:
 *
 * - every instance whose start was acknowledged exists and completed; no incident, no job left;
 * - no element completed twice; each instance's history starts with instanceStarted, every
 *   activityCompleted follows its activityStarted and its predecessors, one instanceCompleted last;
 * - every handler call for the same step carried the same idempotency key;
 * - no job stays locked by a dead engine after a restart, none keeps an expired lock at the end;
 * - PRAGMA integrity_check is ok.
 *
 *   npm run chaos                                  (100 cycles; CHAOS_CYCLES, CHAOS_SEED, CHAOS_IN_FLIGHT)
 *   test/survival/chaos.test.ts                    (5 cycles inside npm test)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { seededRandom } from './mutate.js';

export interface ChaosOptions {
  /** SIGKILL/restart cycles (issue 8: 100 for `npm run chaos`, 5 inside `npm test`) */
  cycles: number;
  /** instances kept running at once (default 200) */
  inFlight?: number;
  /** most instances started in the whole run (default 200 + 60 per cycle) */
  maxStarts?: number;
  seed?: number;
  /** how long the server lives after it is ready, before the kill (default 250 … 2000 ms) */
  upMs?: [number, number];
  /** the drain after the last restart must finish within this (default 120 s) */
  drainTimeoutMs?: number;
  log?: (line: string) => void;
  /** keep the temporary folder (database, call log) for inspection */
  keep?: boolean;
}

export interface ChaosReport {
  cycles: number;
  kills: number;
  started: number;
  startsInDoubt: number;
  instances: number;
  completed: number;
  elementCompletions: number;
  handlerCalls: number;
  handlerSteps: number;
  redeliveries: number;
  tasksCompletedOverRest: number;
  timersFired: number;
  /** jobs locked by the server just before it was killed (what the stale-lock check watches) */
  locksAtKill: number;
  staleLocksAfterRestart: number;
  expiredLocksAtEnd: number;
  jobsLeft: number;
  incidents: number;
  http5xx: number;
  seconds: number;
  dir: string;
  problems: string[];
}

const SERVER = join(import.meta.dirname, 'chaos-server.ts');
const BPMN = join(import.meta.dirname, 'fixtures', 'chaos.bpmn');
const KEY = 'Chaos';
/** incoming flows of every element of fixtures/chaos.bpmn (the join needs all three) */
const PREDECESSORS: Record<string, string[]> = {
  Start: [],
  Prepare: ['Start'],
  Fork: ['Prepare'],
  Approve: ['Fork'],
  Wait: ['Fork'],
  Train: ['Fork'],
  Score: ['Wait'],
  Join: ['Approve', 'Score', 'Train'],
  Publish: ['Join'],
  End: ['Publish'],
};
const SERVICE_TASKS = ['Prepare', 'Train', 'Score', 'Publish'];
/** elements that wait (their history has activityStarted before activityCompleted); the rest pass through in one step */
const WAIT_STATES = new Set([...SERVICE_TASKS, 'Approve', 'Wait']);
/** a parallel join records one element instance per arriving token (as Camunda 7 does): three completions */
const COMPLETIONS: Record<string, number> = { Join: 3 };

interface Running {
  child: ChildProcess;
  base: string;
  exited: Promise<number | null>;
}

/**
 * The server entry, bundled once per run with esbuild (packages stay external, resolved from the
 * project's node_modules): a restart then takes well under a second instead of several seconds of
 * tsx compiling, so a hundred cycles fit in minutes. `CHAOS_TSX=1` runs the .ts through tsx instead.
 */
async function serverEntry(): Promise<{ args: string[]; cleanup(): void }> {
  if (process.env.CHAOS_TSX === '1') return { args: ['--import', 'tsx', SERVER], cleanup() {} };
  const { build } = await import('esbuild');
  const outfile = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'mlc-chaos', `chaos-server-${process.pid}-${Date.now()}.mjs`);
  await build({ entryPoints: [SERVER], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', logLevel: 'warning' });
  return { args: [outfile], cleanup: () => rmSync(outfile, { force: true }) };
}

async function startServer(entry: string[], database: string, log: string, stderr: string[], children: Set<ChildProcess>): Promise<Running> {
  const child = spawn(process.execPath, [...entry, database, log], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MLC_LOG_LEVEL: 'silent' },
  });
  children.add(child);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => {
    children.delete(child);
    done(code);
  }));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 50) stderr.push(chunk.slice(0, 2000));
  });
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`server did not report its port within 60 s: ${stderr.join('')}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code} before listening: ${stderr.join('')}`));
    });
  });
  return { child, base: `${url}/engine-rest`, exited };
}

async function json(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function deploy(base: string): Promise<void> {
  const form = new FormData();
  form.append('deployment-name', 'chaos');
  form.append('enable-duplicate-filtering', 'true');
  form.append('chaos.bpmn', new Blob([readFileSync(BPMN)], { type: 'text/xml' }), 'chaos.bpmn');
  const response = await fetch(`${base}/deployment/create`, { method: 'POST', body: form });
  if (response.status !== 200) throw new Error(`deploy failed: ${response.status} ${await response.text()}`);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function readDb<T>(database: string, read: (db: Database.Database) => T): T {
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return read(db);
  } finally {
    db.close();
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const began = Date.now();
  const out = options.log ?? ((line: string) => console.log(line));
  const random = seededRandom(options.seed ?? 20261124);
  const inFlight = options.inFlight ?? 200;
  const maxStarts = options.maxStarts ?? inFlight + 60 * options.cycles;
  const [minUp, maxUp] = options.upMs ?? [250, 2000];
  const dir = mkdtempSync(join(tmpdir(), 'mlc-chaos-'));
  const database = join(dir, 'chaos.sqlite');
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  const stderr: string[] = [];
  const problems: string[] = [];
  const acked = new Set<string>();
  const report = {
    kills: 0, locksAtKill: 0, startsInDoubt: 0, tasksCompletedOverRest: 0, staleLocksAfterRestart: 0, http5xx: 0,
  };
  let deadOwners = new Set<string>();
  const children = new Set<ChildProcess>();
  const entry = await serverEntry();
  let businessKeys = 0;

  /** one round of client traffic: top up the running instances, complete the open user tasks */
  const round = async (base: string, starting: boolean) => {
    const active = await json(base, 'GET', `/process-instance/count?processDefinitionKey=${KEY}`);
    if (active.status >= 500) report.http5xx++;
    const need = starting ? Math.max(0, Math.min(inFlight - (active.body?.count ?? inFlight), maxStarts - acked.size - report.startsInDoubt, 50)) : 0;
    const starts = Array.from({ length: need }, async () => {
      const businessKey = `chaos-${businessKeys++}`;
      let settled = false;
      try {
        const r = await json(base, 'POST', `/process-definition/key/${KEY}/start`, { businessKey });
        settled = true;
        if (r.status === 200) acked.add(r.body.id as string);
        else if (r.status >= 500) report.http5xx++;
        else problems.push(`start answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
      } finally {
        if (!settled) report.startsInDoubt++; // the kill cut the answer off: committed or not
      }
    });
    const startsSettled = Promise.allSettled(starts); // handled at once: a kill rejects them while we list tasks
    const tasks = await json(base, 'GET', `/task?processDefinitionKey=${KEY}&maxResults=60`).catch(async (error: unknown) => {
      await startsSettled;
      throw error;
    });
    if (tasks.status >= 500) report.http5xx++;
    const completions = (Array.isArray(tasks.body) ? tasks.body as Array<{ id: string }> : []).map(async (task) => {
      const r = await json(base, 'POST', `/task/${task.id}/complete`, { variables: { approved: { value: true, type: 'Boolean' } } });
      if (r.status === 204) report.tasksCompletedOverRest++;
      else if (r.status >= 500) report.http5xx++;
      else if (r.status !== 404) problems.push(`task complete answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
    });
    const completionsSettled = Promise.allSettled(completions);
    // surface the first rejection (a network error) to the caller
    for (const result of [...await startsSettled, ...await completionsSettled]) if (result.status === 'rejected') throw result.reason;
  };

  /** the lock owners of service-task jobs, over REST (the server holds the database file exclusively) */
  const lockedJobs = async (base: string) => {
    const r = await json(base, 'GET', '/external-task?locked=true&maxResults=100000');
    if (r.status !== 200) throw new Error(`GET /external-task answered ${r.status}`);
    return r.body as Array<{ workerId: string | null; lockExpirationTime: string | null }>;
  };
  /** after a restart: no job may still be locked by an engine that died */
  const checkLocks = async (base: string) => {
    const rows = await lockedJobs(base);
    const stale = rows.filter((r) => r.workerId !== null && deadOwners.has(r.workerId)).length;
    report.staleLocksAfterRestart += stale;
    if (stale > 0) problems.push(`${stale} job(s) still locked by a killed engine after a restart`);
  };

  try {
    for (let cycle = 0; cycle < options.cycles; cycle++) {
      const server = await startServer(entry.args, database, log, stderr, children);
      if (cycle === 0) await deploy(server.base);
      await checkLocks(server.base);
      const owners = new Set<string>();
      const upFor = minUp + Math.floor(random() * (maxUp - minUp));
      let killed = false;
      const killAt = Date.now() + upFor;
      const traffic = (async () => {
        while (!killed && Date.now() < killAt) {
          try {
            await round(server.base, true);
          } catch (error) {
            if (!killed) problems.push(`cycle ${cycle}: request failed while the server was up: ${String(error)}`);
            return;
          }
          await sleep(10);
        }
      })();
      await sleep(upFor);
      // who holds locks now (traffic still running): that engine is dead after the kill
      for (const job of await lockedJobs(server.base).catch(() => [])) {
        if (!job.workerId) continue;
        owners.add(job.workerId);
        report.locksAtKill++;
      }
      killed = true;
      server.child.kill('SIGKILL');
      await server.exited;
      report.kills++;
      await traffic;
      deadOwners = new Set([...deadOwners, ...owners]);
    }

    // the final restart: no new starts, complete every open task, wait for every instance to end
    const server = await startServer(entry.args, database, log, stderr, children);
    if (options.cycles === 0) await deploy(server.base);
    await checkLocks(server.base);
    const deadline = Date.now() + (options.drainTimeoutMs ?? 120_000);
    for (;;) {
      await round(server.base, options.cycles === 0 && acked.size < Math.min(inFlight, maxStarts));
      const active = await json(server.base, 'GET', `/process-instance/count?processDefinitionKey=${KEY}`);
      if (active.body?.count === 0 && acked.size > 0) break;
      if (Date.now() > deadline) {
        problems.push(`${active.body?.count} instance(s) still running ${Math.round((options.drainTimeoutMs ?? 120_000) / 1000)} s after the last restart`);
        break;
      }
      await sleep(100);
    }
    await sleep(300); // idle
    const now = Date.now();
    const expiredLocksAtEnd = (await lockedJobs(server.base)).filter((j) => j.lockExpirationTime !== null && Date.parse(j.lockExpirationTime) < now).length;
    if (expiredLocksAtEnd > 0) problems.push(`${expiredLocksAtEnd} job(s) keep a lock past its expiry`);
    server.child.kill('SIGTERM');
    const code = await Promise.race([server.exited, sleep(10_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      problems.push('the server did not stop within 10 s of SIGTERM');
      server.child.kill('SIGKILL');
      await server.exited;
    }

    // ------------------------------------------------------------ the checks
    const checked = readDb(database, (db) => {
      const integrity = db.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
      const instances = db.prepare('SELECT id, state FROM instances WHERE definition_key = ?').all(KEY) as Array<{ id: string; state: string }>;
      const byId = new Map(instances.map((i) => [i.id, i.state]));
      for (const id of acked) {
        if (!byId.has(id)) problems.push(`acknowledged instance ${id} is missing`);
      }
      const notCompleted = instances.filter((i) => i.state !== 'completed');
      for (const i of notCompleted.slice(0, 5)) problems.push(`instance ${i.id} is ${i.state}, not completed`);
      if (notCompleted.length > 5) problems.push(`… ${notCompleted.length - 5} more instances not completed`);

      const rows = db.prepare('SELECT seq, instance_id AS instanceId, kind, element_instance_id AS ei, element_id AS elementId FROM history ORDER BY seq').all() as Array<{ seq: number; instanceId: string; kind: string; ei: string | null; elementId: string | null }>;
      const perInstance = new Map<string, typeof rows>();
      for (const row of rows) {
        if (!byId.has(row.instanceId)) continue;
        let list = perInstance.get(row.instanceId);
        if (!list) perInstance.set(row.instanceId, (list = []));
        list.push(row);
      }
      let elementCompletions = 0;
      let timersFired = 0;
      for (const [id, history] of perInstance) {
        const fail = (what: string) => problems.push(`instance ${id}: ${what}`);
        if (history[0]?.kind !== 'instanceStarted') fail(`history begins with ${history[0]?.kind}, not instanceStarted`);
        const starts = history.filter((h) => h.kind === 'instanceStarted').length;
        if (starts !== 1) fail(`${starts} instanceStarted rows`);
        const started = new Set<string>();
        const completedElementInstances = new Set<string>();
        const completions = new Map<string, number>();
        const completedAt = new Map<string, number>();
        for (const h of history) {
          if (h.kind === 'activityStarted' && h.ei) started.add(h.ei);
          if (h.kind !== 'activityCompleted' || !h.elementId) continue;
          elementCompletions++;
          if (h.elementId === 'Wait') timersFired++;
          if (h.ei && completedElementInstances.has(h.ei)) fail(`element instance ${h.ei} of ${h.elementId} completed twice`);
          if (h.ei) completedElementInstances.add(h.ei);
          const n = (completions.get(h.elementId) ?? 0) + 1;
          completions.set(h.elementId, n);
          if (n > (COMPLETIONS[h.elementId] ?? 1)) fail(`element ${h.elementId} completed ${n} times`);
          if (WAIT_STATES.has(h.elementId) && (!h.ei || !started.has(h.ei))) fail(`element ${h.elementId} completed without being started`);
          const preds = PREDECESSORS[h.elementId];
          if (!preds) fail(`unexpected element ${h.elementId}`);
          else for (const p of preds) if (!completedAt.has(p)) fail(`${h.elementId} completed before its predecessor ${p}`);
          if (!completedAt.has(h.elementId)) completedAt.set(h.elementId, h.seq);
        }
        if (byId.get(id) === 'completed') {
          for (const element of Object.keys(PREDECESSORS)) {
            if ((completions.get(element) ?? 0) !== (COMPLETIONS[element] ?? 1)) fail(`completed with ${completions.get(element) ?? 0} completions of ${element} in its history (a gap)`);
          }
          const last = history[history.length - 1]!;
          if (last.kind !== 'instanceCompleted') fail(`history ends with ${last.kind}, not instanceCompleted`);
          if (history.filter((h) => h.kind === 'instanceCompleted').length !== 1) fail('instanceCompleted recorded more than once');
        }
      }
      for (const id of byId.keys()) if (!perInstance.has(id)) problems.push(`instance ${id} has no history at all`);
      const jobsLeft = (db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n;
      if (jobsLeft > 0) problems.push(`${jobsLeft} job(s) left after every instance completed`);
      const incidents = (db.prepare('SELECT count(*) AS n FROM incidents').get() as { n: number }).n;
      if (incidents > 0) problems.push(`${incidents} incident(s)`);
      return { instances: instances.length, completed: instances.length - notCompleted.length, elementCompletions, timersFired, jobsLeft, incidents, ids: byId };
    });

    // handler log: one idempotency key per step, and every service task of every instance ran
    const keys = new Map<string, Set<string>>();
    let handlerCalls = 0;
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      const [word, instanceId, elementId, key] = line.split(' ');
      if (word !== 'call' || !instanceId || !elementId || !key) continue;
      handlerCalls++;
      const step = `${instanceId}/${elementId}`;
      let set = keys.get(step);
      if (!set) keys.set(step, (set = new Set()));
      set.add(key);
    }
    for (const [step, set] of keys) if (set.size !== 1) problems.push(`step ${step} was called with ${set.size} different idempotency keys`);
    for (const [id, state] of checked.ids) {
      if (state !== 'completed') continue;
      for (const element of SERVICE_TASKS) if (!keys.has(`${id}/${element}`)) problems.push(`instance ${id}: handler for ${element} never called`);
    }
    if (report.http5xx > 0) problems.push(`${report.http5xx} answer(s) with status 5xx`);

    const result: ChaosReport = {
      cycles: options.cycles,
      kills: report.kills,
      started: acked.size,
      startsInDoubt: report.startsInDoubt,
      instances: checked.instances,
      completed: checked.completed,
      elementCompletions: checked.elementCompletions,
      handlerCalls,
      handlerSteps: keys.size,
      redeliveries: handlerCalls - keys.size,
      tasksCompletedOverRest: report.tasksCompletedOverRest,
      timersFired: checked.timersFired,
      locksAtKill: report.locksAtKill,
      staleLocksAfterRestart: report.staleLocksAfterRestart,
      expiredLocksAtEnd,
      jobsLeft: checked.jobsLeft,
      incidents: checked.incidents,
      http5xx: report.http5xx,
      seconds: Math.round((Date.now() - began) / 100) / 10,
      dir,
      problems: problems.slice(0, 50),
    };
    out(`chaos: ${result.cycles} SIGKILL cycles in ${result.seconds} s, seed ${options.seed ?? 20261124}`);
    out(`chaos: ${result.started} starts acknowledged (+${result.startsInDoubt} cut off by a kill), ${result.instances} instances in the database, ${result.completed} completed`);
    out(`chaos: ${result.elementCompletions} element completions, none twice; ${result.timersFired} timers fired; ${result.tasksCompletedOverRest} user tasks completed over REST`);
    out(`chaos: ${result.handlerCalls} handler calls for ${result.handlerSteps} steps (${result.redeliveries} redeliveries), one idempotency key per step`);
    out(`chaos: ${result.locksAtKill} job locks held at the kills, ${result.staleLocksAfterRestart} still held by the dead engine after a restart, ${result.expiredLocksAtEnd} expired locks at the end, ${result.jobsLeft} jobs and ${result.incidents} incidents left, ${result.http5xx} 5xx`);
    out(problems.length === 0 ? 'chaos: all checks passed' : `chaos: ${problems.length} problem(s):\n  ${problems.slice(0, 50).join('\n  ')}`);
    if (problems.length > 0 && stderr.length > 0) out(`server stderr:\n${stderr.join('').slice(0, 4000)}`);
    return result;
  } finally {
    for (const child of children) child.kill('SIGKILL'); // never leave a server behind
    entry.cleanup();
    if (!options.keep && problems.length === 0) rmSync(dir, { recursive: true, force: true });
    else if (existsSync(dir)) out(`chaos: files kept in ${dir}`);
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(resolve(script))).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const result = await runChaos({
    cycles: Number(process.env.CHAOS_CYCLES ?? 100),
    seed: Number(process.env.CHAOS_SEED ?? 20261124),
    inFlight: Number(process.env.CHAOS_IN_FLIGHT ?? 200),
  });
  process.exit(result.problems.length === 0 ? 0 : 1);
}
