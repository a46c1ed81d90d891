import { afterEach, describe, expect, it } from 'vitest';
import { count, deploy, fixture, incidentsOf, startByKey, startServer, type BudgetServer } from './helpers.js';

let server: BudgetServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serverWith(file: string, budgets = {}): Promise<BudgetServer> {
  server = await startServer({ budgets, retryBackoff: { initial: 0, max: 0 } });
  expect((await deploy(server.base, 'loops', [{ name: file, content: fixture(file) }])).status).toBe(200);
  return server;
}

async function startLoop(s: BudgetServer, key: string, limit: number): Promise<Response> {
  return startByKey(s.base, key, { count: { value: 0, type: 'Integer' }, limit: { value: limit, type: 'Long' } });
}

function jobOf(s: BudgetServer, instanceId: string): { id: string; retries: number } {
  return s.engine.db.prepare('SELECT id, retries FROM jobs WHERE instance_id = ?').get(instanceId) as { id: string; retries: number };
}

// Issue 19, finding 11.
describe('a loop without a wait state (step budget)', () => {
  // Before: the step threw after 100,000 operations, the start answered 500 and the engine froze ~1.8 s.
  it('ends in an incident on the looping element and the start answers 200', async () => {
    const s = await serverWith('budget-loop.c7.bpmn');
    const response = await startLoop(s, 'BudgetLoopC7', 1_000_000_000);
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    expect(s.engine.instance(id).state).toBe('active');
    expect(incidentsOf(s.engine, id)).toMatchObject([
      // parked wherever the budget ran out: before the task or before the gateway
      { type: 'failedJob', element_id: expect.stringMatching(/^(Task_Count|Gateway_More)$/), message: expect.stringMatching(/ran 100000 operations in one step without reaching a wait state \(budget maxStepOperations\)/) },
    ]);
    // the count reached is kept: the loop ran until the budget, not from scratch
    expect(s.engine.variables(id).count).toBeGreaterThan(10_000);
  });

  it('setting the parked job\'s retries lets the token run on with a fresh budget', async () => {
    const s = await serverWith('budget-loop.c7.bpmn', { maxStepOperations: 50 });
    const response = await startLoop(s, 'BudgetLoopC7', 40);
    const { id } = (await response.json()) as { id: string };
    const parked = jobOf(s, id);
    expect(parked.retries).toBe(0);
    const before = s.engine.variables(id).count as number;
    expect(before).toBeLessThan(40);
    const retried = await fetch(`${s.base}/job/${parked.id}/retries`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ retries: 1 }) });
    expect(retried.status).toBe(204);
    await s.engine.whenIdle();
    expect(s.engine.instance(id).state).toBe('completed');
    expect(incidentsOf(s.engine, id)).toEqual([]);
  });

  it('a loop that ends within the budget runs to the end in one step', async () => {
    const s = await serverWith('budget-loop.c7.bpmn');
    const { id } = (await (await startLoop(s, 'BudgetLoopC7', 1000)).json()) as { id: string };
    expect(s.engine.instance(id).state).toBe('completed');
  });
});

describe('a loop through asyncBefore (chained continuations budget)', () => {
  // Before: each turn was a new job, so the per-step budget never saw it: it ran forever (~276 history rows/s).
  it('stops after maxChainedContinuations continuations in a row with an incident', async () => {
    const s = await serverWith('budget-async-loop.c7.bpmn', { maxChainedContinuations: 25 });
    const { id } = (await (await startLoop(s, 'BudgetAsyncLoopC7', 1_000_000_000)).json()) as { id: string };
    await s.engine.whenIdle();
    expect(s.engine.instance(id).state).toBe('active');
    expect(incidentsOf(s.engine, id)).toMatchObject([
      { type: 'failedJob', element_id: 'Task_Count', message: expect.stringMatching(/ran 25 async continuations in a row without a wait state \(budget maxChainedContinuations\)/) },
    ]);
    expect(s.engine.variables(id).count).toBe(25);
    expect(jobOf(s, id).retries).toBe(0);
    // nothing is due: the engine is quiet
    expect(count(s.engine, `SELECT COUNT(*) AS n FROM jobs WHERE instance_id = ? AND retries > 0`, id)).toBe(0);
  });

  it('the default budget (1,000) stops it too, and a short async loop completes', async () => {
    const s = await serverWith('budget-async-loop.c7.bpmn');
    const { id } = (await (await startLoop(s, 'BudgetAsyncLoopC7', 1_000_000_000)).json()) as { id: string };
    await s.engine.whenIdle(60_000);
    expect(incidentsOf(s.engine, id)).toMatchObject([{ message: expect.stringMatching(/ran 1000 async continuations/) }]);
    const { id: short } = (await (await startLoop(s, 'BudgetAsyncLoopC7', 10)).json()) as { id: string };
    await s.engine.whenIdle();
    expect(s.engine.instance(short).state).toBe('completed');
  });
});
