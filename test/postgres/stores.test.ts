/**
 * Every store on PostgreSQL: the same scenario (deploy real .bpmn files, user and service tasks,
 * a timer, a message, an incident and its resolution) runs on SQLite and on a throwaway
 * PostgreSQL cluster, and the REST API and the cockpit answer the same JSON on both (ids and
 * keys replaced by the order they first appear in). Then an engine closed and reopened on the
 * same PostgreSQL schema carries on with the instances it left.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, ManualClock } from '../../src/index.js';
import { createServerApp, type ServerApp } from '../../src/http/app.js';
import { dialectOf } from '../../src/store/sql-database.js';
import { call, deployFixture, eventually } from '../http/helpers.js';
import { postgresBinaries, startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster.js';

const START = Date.UTC(2026, 0, 5, 9, 0, 0);

/** What the scenario reads back through the API, endpoint by endpoint. */
type Answers = Record<string, unknown>;

interface Running {
  engine: Engine;
  app: ServerApp;
  server: Server;
  base: string;
  clock: ManualClock;
  close(): Promise<void>;
}

async function serveEngine(database: string, clock: ManualClock, failFirst: { value: boolean }): Promise<Running> {
  const engine = await Engine.open({ database, clock, defaultRetries: 1, retryBackoff: { initial: 0, max: 0 } });
  engine.handle('work', async (job) => {
    if (failFirst.value) {
      failFirst.value = false;
      throw new Error('model store unreachable');
    }
    return { variables: { worked: Number(job.variables.size ?? 0) * 2 } };
  });
  const app = createServerApp(engine, { requestLogs: false });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    engine, app, server, base, clock,
    async close() {
      app.closeRest();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await engine.close();
    },
  };
}

async function get(base: string, path: string): Promise<unknown> {
  const response = await call(base, 'GET', path);
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * Deploys, starts and drives four processes through the REST API, then reads every list the
 * brief names. Returns the answers and the id of the instance left waiting at its timer's task.
 */
async function scenario(t: Running): Promise<{ answers: Answers; waitingAtTimer: string }> {
  const rest = `${t.base}/engine-rest`;
  for (const file of ['user-task.c7.bpmn', 'service-task.c7.bpmn', 'timer-intermediate.c7.bpmn', 'message-catch.c7.bpmn']) {
    await deployFixture(rest, file);
  }
  const start = async (key: string, body: Record<string, unknown>) => {
    const response = await call(rest, 'POST', `/process-definition/key/${key}/start`, body);
    if (response.status !== 200) throw new Error(`start ${key}: ${JSON.stringify(response.body)}`);
    return response.body.id as string;
  };

  // user tasks: one completed, one left open
  const due = { value: '2026-02-01T12:00:00.000+0000', type: 'Date' };
  const reviewed = await start('UserTaskC7', { businessKey: 'review-1', variables: { reviewer: { value: 'demo' }, dueDate: due } });
  await start('UserTaskC7', { businessKey: 'review-2', variables: { reviewer: { value: 'mary' }, dueDate: due } });
  const tasks = (await get(rest, `/task?processInstanceId=${reviewed}`)) as Array<{ id: string }>;
  expect((await call(rest, 'POST', `/task/${tasks[0]!.id}/complete`, { variables: { approved: { value: true } } })).status).toBe(204);

  // a service task whose in-process handler fails once: an incident, resolved by setting retries
  const worked = await start('ServiceTaskC7', { businessKey: 'work-1', variables: { size: { value: 3 } } });
  const incidents = await eventually(async () => {
    const open = (await get(rest, `/incident?processInstanceId=${worked}`)) as Array<{ id: string; configuration: string }>;
    return open.length > 0 ? open : undefined;
  }) as Array<{ id: string; configuration: string }>;
  const incidentAnswers = await get(rest, '/incident');
  const jobsWithIncident = await get(rest, '/job');
  expect((await call(rest, 'PUT', `/job/${incidents[0]!.configuration}/retries`, { retries: 1 })).status).toBe(204);
  await eventually(async () => ((await get(rest, `/history/process-instance/${worked}`)) as { state: string }).state === 'COMPLETED');

  // a timer fired by the manual clock, then a second instance left waiting at its timer
  const timed = await start('TimerIntermediateC7', { businessKey: 'timer-1' });
  t.clock.advance(5 * 60_000);
  await eventually(async () => ((await get(rest, `/external-task?processInstanceId=${timed}`)) as unknown[]).length === 1);
  const waitingAtTimer = await start('TimerIntermediateC7', { businessKey: 'timer-2' });

  // a message correlated to the instance waiting for it
  const waiting = await start('MessageCatchC7', { businessKey: 'message-1' });
  const correlated = await call(rest, 'POST', '/message', { messageName: 'MODEL_APPROVED', processInstanceId: waiting, processVariables: { approvedBy: { value: 'ops' } } });
  expect(correlated.status).toBe(204);

  const answers: Answers = {
    incidentsWhileOpen: incidentAnswers,
    jobsWhileIncident: jobsWithIncident,
  };
  for (const path of [
    '/process-instance',
    '/process-instance?sortBy=businessKey&sortOrder=desc',
    '/process-instance/count',
    '/task',
    '/task?sortBy=assignee&sortOrder=asc',
    '/history/process-instance?sortBy=businessKey&sortOrder=asc',
    '/history/activity-instance?sortBy=startTime&sortOrder=asc',
    '/history/task',
    '/history/variable-instance',
    '/incident',
    '/job',
    '/external-task',
    '/deployment',
    '/process-definition',
    '/variable-instance',
    '/execution',
    '/event-subscription',
    `/process-instance/${timed}/activity-instances`,
    '/history/process-instance?variables=size_eq_3',
    '/history/process-instance?finished=true',
  ]) answers[path] = await get(rest, path);
  for (const path of ['/definitions', '/instances', '/incidents', '/tasks']) answers[`cockpit${path}`] = await get(`${t.base}/cockpit/api`, path);
  answers.ready = await get(t.base, '/health/ready');
  // the gauges read from the database at scrape time (the process-wide lines differ run to run)
  const metrics = await (await fetch(`${t.base}/metrics`)).text();
  answers.gauges = metrics.split('\n').filter((line) => /^mlc_(process_instances|jobs|incidents)\w*\{/.test(line)).sort();
  return { answers, waitingAtTimer };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The answers with every id replaced by the order it first appears in (the same on both stores when the lists agree). */
function normalized(answers: Answers): unknown {
  const seen = new Map<string, string>();
  const text = JSON.stringify(answers).replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://server').replace(UUID, (id) => {
    let name = seen.get(id);
    if (!name) seen.set(id, (name = `id#${seen.size + 1}`));
    return name;
  });
  return JSON.parse(text);
}

describe.skipIf(!postgresBinaries())('every store on PostgreSQL', () => {
  let cluster: ThrowawayCluster;
  let dir: string;
  let onSqlite: { answers: Answers; waitingAtTimer: string };
  let onPostgres: { answers: Answers; waitingAtTimer: string };
  const postgresUrl = () => `${cluster.url}?schema=stores`;

  beforeAll(async () => {
    cluster = startThrowawayCluster();
    dir = mkdtempSync(join(tmpdir(), 'mlc-pgstores-'));
    const sqlite = await serveEngine(join(dir, 'engine.sqlite'), new ManualClock(START), { value: true });
    try {
      onSqlite = await scenario(sqlite);
    } finally {
      await sqlite.close();
    }
    const postgres = await serveEngine(postgresUrl(), new ManualClock(START), { value: true });
    try {
      expect(dialectOf(postgres.engine.db)).toBe('postgres');
      onPostgres = await scenario(postgres);
    } finally {
      await postgres.close();
    }
  }, 120_000);

  afterAll(() => {
    cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers every REST and cockpit list as SQLite does', () => {
    const sqlite = normalized(onSqlite.answers) as Answers;
    const postgres = normalized(onPostgres.answers) as Answers;
    expect(Object.keys(postgres)).toEqual(Object.keys(sqlite));
    for (const key of Object.keys(sqlite)) expect.soft({ [key]: postgres[key] }).toEqual({ [key]: sqlite[key] });
  });

  it('ran the scenario for real: tasks done, the incident resolved, the timer fired, the message correlated', () => {
    const ended = onPostgres.answers['/history/process-instance?finished=true'] as Array<{ businessKey: string; state: string }>;
    expect(ended.map((i) => [i.businessKey, i.state]).sort()).toEqual([['message-1', 'COMPLETED'], ['review-1', 'COMPLETED'], ['work-1', 'COMPLETED']]);
    const incidents = onPostgres.answers.incidentsWhileOpen as Array<{ incidentMessage: string }>;
    expect(incidents.map((i) => i.incidentMessage)).toEqual(['model store unreachable']);
    expect(onPostgres.answers['/incident']).toEqual([]);
    expect(onPostgres.answers.ready).toMatchObject({ status: 'UP' });
    expect(onPostgres.answers.gauges).toEqual(expect.arrayContaining([expect.stringMatching(/^mlc_process_instances\w*\{.*UserTaskC7.*\} 1$/)]));
    const external = onPostgres.answers['/external-task'] as Array<{ topicName: string }>;
    expect(external.map((task) => task.topicName)).toEqual(['after-timer']);
    expect((onPostgres.answers['/history/process-instance?variables=size_eq_3'] as Array<{ businessKey: string }>).map((i) => i.businessKey)).toEqual(['work-1']);
    const variables = onPostgres.answers['/history/variable-instance'] as Array<{ name: string; value: unknown }>;
    expect(variables.find((v) => v.name === 'worked')?.value).toBe(6);
  });

  it('resumes on reopen: the instance left at its timer continues on a new engine over the same schema', async () => {
    const clock = new ManualClock(START);
    const reopened = await serveEngine(postgresUrl(), clock, { value: false });
    try {
      const rest = `${reopened.base}/engine-rest`;
      const id = onPostgres.waitingAtTimer;
      expect(((await get(rest, `/process-instance/${id}`)) as { ended: boolean }).ended).toBe(false);
      // it was started five minutes in, so its five-minute timer is due ten minutes in
      clock.advance(10 * 60_000);
      const tasks = await eventually(async () => {
        const found = (await get(rest, `/external-task?processInstanceId=${id}`)) as Array<{ activityId: string }>;
        return found.length > 0 ? found : undefined;
      }) as Array<{ activityId: string }>;
      expect(tasks.map((task) => task.activityId)).toEqual(['Task_After']);
      const started = await call(rest, 'POST', '/process-definition/key/UserTaskC7/start', {
        variables: { reviewer: { value: 'demo' }, dueDate: { value: '2026-02-01T12:00:00.000+0000', type: 'Date' } },
      });
      expect(started.status).toBe(200);
      expect(((await get(rest, `/task?processInstanceId=${started.body.id}`)) as unknown[]).length).toBe(1);
    } finally {
      await reopened.close();
    }
  });
});
