/**
 * Load with autocannon on loopback, bounded in time: starts, user-task completions and 8
 * external-task workers on one topic (fetchAndLock + complete) at once, against the real server
 * on a file database. No 5xx, no lost instance, every external task completed exactly once, p99
 * reported. `LOAD_SECONDS=60` (npm run fuzz) is the long form; inside npm test it runs ~6 s.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import autocannon, { type Context, type Result } from 'autocannon';
import { startServer, modelerDeploy, type TestServer } from '../http/helpers.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 6);
const WORKERS = 8;
const TOPIC = 'load-work';

const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="LoadDefinitions" targetNamespace="urn:load">
  <bpmn:process id="Load" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Fork" />
    <bpmn:parallelGateway id="Fork" />
    <bpmn:sequenceFlow id="f2" sourceRef="Fork" targetRef="Work" />
    <bpmn:sequenceFlow id="f3" sourceRef="Fork" targetRef="Review" />
    <bpmn:serviceTask id="Work" camunda:type="external" camunda:topic="${TOPIC}" />
    <bpmn:userTask id="Review" />
    <bpmn:sequenceFlow id="f4" sourceRef="Work" targetRef="Join" />
    <bpmn:sequenceFlow id="f5" sourceRef="Review" targetRef="Join" />
    <bpmn:parallelGateway id="Join" />
    <bpmn:sequenceFlow id="f6" sourceRef="Join" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
  const res = await modelerDeploy(t.base, 'load.bpmn', BPMN);
  expect(res.status).toBe(200);
});
afterAll(async () => t?.close());

const json = { 'content-type': 'application/json', accept: 'application/json' };

function summary(name: string, r: Result): string {
  return `${name}: ${r.requests.total} requests, ${r['2xx']} 2xx, ${r['4xx']} 4xx, ${r['5xx']} 5xx, ${r.errors} errors, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms`;
}

describe('load: mixed REST traffic with autocannon', () => {
  it(`${SECONDS} s of starts, task completions and ${WORKERS} workers on one topic: no 5xx, nothing lost, each task completed once`, async () => {
    const startedIds = new Set<string>();
    const completedBy = new Map<string, string[]>(); // external task id → workers whose complete got 204
    let workerSeq = 0;
    const root = t.url;

    const starts = autocannon({
      url: root, title: 'start', connections: 4, duration: SECONDS, timeout: 20,
      requests: [{
        method: 'POST', path: '/engine-rest/process-definition/key/Load/start', headers: json,
        setupRequest: (req, ctx) => ({ ...req, body: JSON.stringify({ businessKey: `load-${(ctx.n = ((ctx.n as number | undefined) ?? 0) + 1)}`, variables: { amount: { value: 42, type: 'Integer' } } }) }),
        onResponse: (status, body) => {
          if (status === 200) startedIds.add((JSON.parse(body) as { id: string }).id);
        },
      }],
    });

    // one connection = one worker: fetchAndLock, then complete what it got (or ask for the version when it got nothing)
    const workers = autocannon({
      url: root, title: 'workers', connections: WORKERS, duration: SECONDS, timeout: 20,
      requests: [
        {
          method: 'POST', path: '/engine-rest/external-task/fetchAndLock', headers: json,
          setupRequest: (req, ctx) => {
            ctx.worker ??= `worker-${++workerSeq}`;
            return { ...req, body: JSON.stringify({ workerId: ctx.worker, maxTasks: 1, usePriority: false, topics: [{ topicName: TOPIC, lockDuration: 60_000 }] }) };
          },
          onResponse: (status, body, ctx) => {
            ctx.task = status === 200 ? ((JSON.parse(body) as Array<{ id: string }>)[0]?.id ?? null) : null;
          },
        },
        {
          method: 'POST', headers: json,
          setupRequest: (req, ctx) => (ctx.task
            ? { ...req, method: 'POST', path: `/engine-rest/external-task/${ctx.task as string}/complete`, body: JSON.stringify({ workerId: ctx.worker, variables: { done: { value: true, type: 'Boolean' } } }) }
            : { ...req, method: 'GET', path: '/engine-rest/version', body: undefined }),
          onResponse: (status, _body, ctx: Context) => {
            if (ctx.task && status === 204) {
              const list = completedBy.get(ctx.task as string) ?? [];
              list.push(ctx.worker as string);
              completedBy.set(ctx.task as string, list);
            }
          },
        },
      ],
    });

    const tasks = autocannon({
      url: root, title: 'tasks', connections: 4, duration: SECONDS, timeout: 20,
      requests: [
        {
          method: 'GET', path: '/engine-rest/task?processDefinitionKey=Load&maxResults=1', headers: { accept: 'application/json' },
          onResponse: (status, body, ctx) => {
            ctx.task = status === 200 ? ((JSON.parse(body) as Array<{ id: string }>)[0]?.id ?? null) : null;
          },
        },
        {
          method: 'POST', headers: json,
          // another connection may complete the same task first: that one gets a 404, never a 5xx
          setupRequest: (req, ctx) => (ctx.task
            ? { ...req, method: 'POST', path: `/engine-rest/task/${ctx.task as string}/complete`, body: JSON.stringify({ variables: { ok: { value: true, type: 'Boolean' } } }) }
            : { ...req, method: 'GET', path: '/engine-rest/task/count?processDefinitionKey=Load', body: undefined }),
        },
      ],
    });

    const [s, w, k] = await Promise.all([starts, workers, tasks]);
    for (const [name, r] of [['start', s], ['workers', w], ['tasks', k]] as const) console.log(`load (${SECONDS} s) ${summary(name, r)}`);

    for (const r of [s, w, k]) {
      expect(r['5xx']).toBe(0);
      expect(r.errors).toBe(0);
      expect(r.timeouts).toBe(0);
    }
    expect(s['2xx']).toBeGreaterThan(10);
    expect(startedIds.size).toBe(s['2xx']);

    // each external task was completed by exactly one worker
    const twice = [...completedBy].filter(([, by]) => by.length > 1);
    expect(twice).toEqual([]);

    // nothing lost: every acknowledged start is in the database, and finishing the rest completes them all
    const db = t.engine.db;
    const rows = db.prepare(`SELECT id, state FROM instances WHERE definition_key = 'Load'`).all() as Array<{ id: string; state: string }>;
    const known = new Set(rows.map((r) => r.id));
    for (const id of startedIds) expect(known.has(id)).toBe(true);
    // autocannon drops the answers of requests still in flight when the time is up: at most one per connection
    expect(rows.length - startedIds.size).toBeGreaterThanOrEqual(0);
    expect(rows.length - startedIds.size).toBeLessThanOrEqual(4);
    const work = db.prepare(`SELECT count(*) AS n FROM history WHERE kind = 'activityCompleted' AND element_id = 'Work'`).get() as { n: number };
    // one completion per acknowledged complete, plus at most one unacknowledged per worker at the end
    expect(work.n - completedBy.size).toBeGreaterThanOrEqual(0);
    expect(work.n - completedBy.size).toBeLessThanOrEqual(WORKERS);
    const doubled = db.prepare(`SELECT count(*) AS n FROM (SELECT instance_id FROM history WHERE kind = 'activityCompleted' AND element_id IN ('Work', 'Review') GROUP BY instance_id, element_id HAVING count(*) > 1)`).get() as { n: number };
    expect(doubled.n).toBe(0);

    // drain what is left over REST (give back the locks of workers cut off by the end of the run) and check every instance ends
    const rest = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${t.base}${path}`, { method, headers: json, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      expect(response.status, `${method} ${path}: ${text.slice(0, 200)}`).toBeLessThan(300);
      return text ? JSON.parse(text) as unknown : null;
    };
    for (const task of await rest('GET', `/external-task?topicName=${TOPIC}&locked=true`) as Array<{ id: string }>) await rest('POST', `/external-task/${task.id}/unlock`);
    for (let batch: Array<{ id: string }>; (batch = await rest('POST', '/external-task/fetchAndLock', { workerId: 'drain', maxTasks: 1000, topics: [{ topicName: TOPIC, lockDuration: 60_000 }] }) as Array<{ id: string }>).length > 0;) {
      for (const task of batch) await rest('POST', `/external-task/${task.id}/complete`, { workerId: 'drain' });
    }
    for (let batch: Array<{ id: string }>; (batch = await rest('GET', '/task?processDefinitionKey=Load&maxResults=500') as Array<{ id: string }>).length > 0;) {
      for (const task of batch) await rest('POST', `/task/${task.id}/complete`, {});
    }
    await t.engine.whenIdle();
    const open = db.prepare(`SELECT count(*) AS n FROM instances WHERE definition_key = 'Load' AND state != 'completed'`).get() as { n: number };
    expect(open.n).toBe(0);
    console.log(`load: ${startedIds.size} instances started, ${completedBy.size} external tasks completed by ${WORKERS} workers (none twice), all ${rows.length} instances completed after the drain`);
  }, (SECONDS + 60) * 1000);
});
