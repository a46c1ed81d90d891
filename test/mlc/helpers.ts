import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Engine, ManualClock, type Clock } from '../../src/index.js';
import { createServerApp } from '../../src/http/app.js';
import { identityOf } from '../../src/identity/identity-service.js';
import { installModelLifecycle, mlcRouter, type ModelLifecycle, type ModelLifecycleOptions } from '../../src/mlc/index.js';
import {
  buildBaseline, column, CREDIT_CARD_FEATURES, CREDIT_CARD_LABEL, exportLogisticRegressionToOnnx, featureMatrix, fitLogisticRegression,
  formatCsv, generateCreditCardQuarter, type Quarter, type Table,
} from '../../src/mlc/ml/index.js';

export const USERS = { alice: 'alice-pw', bob: 'bob-pw', carol: 'carol-pw' } as const;
export const basic = (user: keyof typeof USERS) => `Basic ${Buffer.from(`${user}:${USERS[user]}`).toString('base64')}`;

export interface Env {
  engine: Engine;
  lc: ModelLifecycle;
  dataDir: string;
  clock: Clock;
  http: ReturnType<typeof request.agent>;
  app: ReturnType<typeof createServerApp>;
  close(): Promise<void>;
}

/**
 * A real engine on a fresh SQLite database, the lifecycle on a temp data directory, and the
 * server app with basic auth (authorization on): the Camunda REST API and the /mlc router.
 */
export async function setup(options: {
  clock?: Clock; lifecycle?: Partial<ModelLifecycleOptions>; beforeInstall?: (engine: Engine) => void;
  /** false: sign-in without authorization, for tests about something else (default: on, as with --auth) */
  authorization?: boolean;
} = {}): Promise<Env> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mlc-test-'));
  const clock = options.clock ?? new ManualClock(Date.parse('2024-04-02T05:00:00Z'));
  const engine = await Engine.open({ database: ':memory:', clock, retryBackoff: { initial: 5, max: 20 }, defaultRetries: 1 });
  options.beforeInstall?.(engine);
  const lc = await installModelLifecycle(engine, { dataDir, seedDemo: true, ...options.lifecycle });
  // the wiring of `mlc serve`: the Camunda REST API, and the registry at /mlc behind the same auth
  const app = createServerApp(engine, { requestLogs: false, cockpit: false, auth: { mode: 'basic', users: { ...USERS }, ...(options.authorization === false ? { authorization: { enabled: false } } : {}) }, mlc: mlcRouter(lc) });
  // basic auth switches authorization on: alice and carol own models (data-science) and submit them,
  // bob approves them (a member of every approval group the routing table names), never his own
  const identity = identityOf(engine);
  const memberships: Record<string, readonly (keyof typeof USERS)[]> = {
    'data-science': ['alice', 'carol'],
    'fraud-approvers': ['bob'], 'fraud-risk-officers': ['bob'], 'credit-risk-officers': ['bob'], 'model-risk-committee': ['bob'],
  };
  for (const [group, users] of Object.entries(memberships)) {
    identity.createGroup({ id: group });
    for (const user of users) identity.addMember(group, user);
  }
  return {
    engine, lc, dataDir, clock, app,
    // every request is alice's unless it sets its own authorization header
    http: request.agent(app).auth('alice', USERS.alice),
    async close() {
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function writeDataset(dataDir: string, name: string, table: Table): string {
  const rel = `datasets/${name}`;
  mkdirSync(join(dataDir, 'datasets'), { recursive: true });
  writeFileSync(join(dataDir, rel), formatCsv(table));
  return rel;
}

export function quarter(q: Quarter, rows = 4000): Table {
  return generateCreditCardQuarter({ quarter: q, rows });
}

/** Drops a column (a dataset missing a feature). */
export function withoutColumn(table: Table, name: string): Table {
  const j = table.columns.indexOf(name);
  return { columns: table.columns.filter((_, i) => i !== j), rows: table.rows.map((r) => r.filter((_, i) => i !== j)) };
}

/** Adds a deterministic column (a feature a runtime does not provide). */
export function withColumn(table: Table, name: string, f: (row: number[], i: number) => number): Table {
  const labelAt = table.columns.indexOf(CREDIT_CARD_LABEL);
  return {
    columns: [...table.columns.slice(0, labelAt), name, ...table.columns.slice(labelAt)],
    rows: table.rows.map((r, i) => [...r.slice(0, labelAt), f(r, i), ...r.slice(labelAt)]),
  };
}

/** ONNX bytes of a logistic regression trained on `table`. */
export function trainOnnx(table: Table, features: readonly string[] = CREDIT_CARD_FEATURES, l2 = 1e-3) {
  const fit = fitLogisticRegression(featureMatrix(table, features), column(table, CREDIT_CARD_LABEL), features, { l2 });
  return { bytes: exportLogisticRegressionToOnnx(fit.model), model: fit.model, baseline: buildBaseline(table, features) };
}

/** Polls `check` (REST reads) while the engine works, until it returns a value. */
export async function until<T>(engine: Engine, check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000, tick?: () => void): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    tick?.();
    await engine.whenIdle();
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface TaskView {
  id: string;
  name: string;
  taskDefinitionKey: string;
  processInstanceId: string;
  candidateGroups: string[];
  variables: Record<string, any>;
}

/** The open lifecycle task of an instance, through REST. */
export async function taskOf(env: Env, instanceId: string, taskDefinitionKey?: string, tick?: () => void): Promise<TaskView> {
  return until(env.engine, async () => {
    const res = await env.http.get('/mlc/tasks').expect(200);
    return (res.body as TaskView[]).find((t) => t.processInstanceId === instanceId && (!taskDefinitionKey || t.taskDefinitionKey === taskDefinitionKey));
  }, `task ${taskDefinitionKey ?? ''} of ${instanceId}`, 20_000, tick);
}

/** Advances a ManualClock (timers: training polls, daily starts). */
export const advance = (env: Env, ms: number) => () => (env.clock as ManualClock).advance(ms);

/** Completes a task through the Camunda REST API as `user` (Camunda variable format). */
export async function completeTask(env: Env, taskId: string, user: keyof typeof USERS, variables: Record<string, unknown>): Promise<void> {
  const typed: Record<string, { value: unknown; type: string }> = {};
  for (const [k, v] of Object.entries(variables)) {
    typed[k] = { value: v, type: typeof v === 'boolean' ? 'Boolean' : typeof v === 'number' ? 'Double' : v === null ? 'Null' : 'String' };
  }
  await env.http.post(`/engine-rest/task/${taskId}/complete`).set('authorization', basic(user)).send({ variables: typed }).expect(204);
}

/** The end event an instance ended at, through the Camunda REST API (history). */
export async function instanceEnd(env: Env, instanceId: string): Promise<string> {
  return until(env.engine, async () => {
    const res = await env.http.get(`/engine-rest/history/process-instance/${instanceId}`).set('authorization', basic('alice'));
    if (res.status !== 200 || res.body.state === 'ACTIVE') return undefined;
    const activities = await env.http.get(`/engine-rest/history/activity-instance?processInstanceId=${instanceId}`).set('authorization', basic('alice')).expect(200);
    const end = (activities.body as { activityId: string; activityType: string }[]).find((a) => /endevent/i.test(a.activityType));
    return end?.activityId ?? res.body.state;
  }, `instance ${instanceId} to end`);
}
