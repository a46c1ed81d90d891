import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/runtime/engine.js';
import { count, deploy, fixture, incidentsOf, startByKey, startServer, type BudgetServer } from './helpers.js';

let server: BudgetServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serverWithWideProcess(budgets = {}): Promise<BudgetServer> {
  server = await startServer({ budgets });
  expect((await deploy(server.base, 'wide', [{ name: 'wide.bpmn', content: fixture('budget-multi-instance.c7.bpmn') }])).status).toBe(200);
  return server;
}

async function start(s: BudgetServer, card: number): Promise<string> {
  const response = await startByKey(s.base, 'BudgetMultiInstanceC7', { card: { value: card, type: 'Long' } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

describe('multi-instance size from a variable (issue 19, finding 2)', () => {
  // Before: `loopCardinality ${card}` with card = 10^7 exhausted the heap and killed the process.
  it('a cardinality of 10^7 is an incident on the activity; no inner instance is created', async () => {
    const s = await serverWithWideProcess();
    const id = await start(s, 10_000_000);
    expect(incidentsOf(s.engine, id)).toMatchObject([
      { element_id: 'Task_Each', message: expect.stringMatching(/would have 10000000 instances: the engine allows at most 100000 \(budget maxMultiInstanceCardinality\)/) },
    ]);
    expect(count(s.engine, 'SELECT COUNT(*) AS n FROM tasks WHERE instance_id = ?', id)).toBe(0);
    expect(s.engine.instance(id).state).toBe('active');
    // the engine still serves other work
    const small = await start(s, 3);
    expect(count(s.engine, 'SELECT COUNT(*) AS n FROM tasks WHERE instance_id = ?', small)).toBe(3);
  });

  // Before: 50,000 froze the engine for 9 s while it created every inner instance in one step.
  it('a parallel fan-out of 50,000 is an incident (default maxParallelFanOut 10,000)', async () => {
    const s = await serverWithWideProcess();
    const id = await start(s, 50_000);
    expect(incidentsOf(s.engine, id)).toMatchObject([
      { element_id: 'Task_Each', message: expect.stringMatching(/would start 50000 instances at once: the engine allows at most 10000 \(budget maxParallelFanOut\)/) },
    ]);
    expect(count(s.engine, 'SELECT COUNT(*) AS n FROM tasks WHERE instance_id = ?', id)).toBe(0);
  });

  it('the budgets are Engine.open options: at the limit it runs, one beyond it is an incident', async () => {
    const s = await serverWithWideProcess({ maxParallelFanOut: 5 });
    const atLimit = await start(s, 5);
    expect(count(s.engine, 'SELECT COUNT(*) AS n FROM tasks WHERE instance_id = ?', atLimit)).toBe(5);
    expect(incidentsOf(s.engine, atLimit)).toEqual([]);
    const beyond = await start(s, 6);
    expect(incidentsOf(s.engine, beyond)).toMatchObject([{ element_id: 'Task_Each', message: expect.stringMatching(/at most 5 \(budget maxParallelFanOut\)/) }]);
  });

  it('a budget that is not a positive integer is refused at open', async () => {
    await expect(Engine.open({ budgets: { maxParallelFanOut: 0 } })).rejects.toThrow(/maxParallelFanOut' must be an integer of at least 1/);
    await expect(Engine.open({ budgets: { maxFeelSteps: 1.5 } })).rejects.toThrow(/maxFeelSteps/);
  });
});
