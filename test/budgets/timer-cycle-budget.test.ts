import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/runtime/timers/index.js';
import { count, deploy, fixture, incidentsOf, startByKey, startServer, type BudgetServer } from './helpers.js';

let server: BudgetServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const START = Date.parse('2026-01-05T00:00:00Z');

// Issue 19, finding 11: `R/PT0.001S` had no lower bound and started ~400 instances a second, forever.
describe('minimum timer-cycle interval (issue 19, finding 11)', () => {
  it('a constant cycle faster than the budget is refused at deploy with the element named; nothing is armed', async () => {
    server = await startServer({ clock: new ManualClock(START) });
    const response = await deploy(server.base, 'fast', [{ name: 'fast.bpmn', content: fixture('budget-fast-timer-start.c7.bpmn') }]);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; message: string };
    expect(body.type).toBe('ParseException');
    expect(body.message).toMatch(/Timer cycle 'R\/PT0.001S': the cycle fires every 1 ms; the engine allows cycles of at least 1000 ms \(budget minTimerCycleInterval\) \(bpmn:StartEvent 'Start_Fast'\)/);
    expect(count(server.engine, 'SELECT COUNT(*) AS n FROM definitions')).toBe(0);
    expect(count(server.engine, 'SELECT COUNT(*) AS n FROM jobs')).toBe(0);
  });

  it('a cycle from an expression is checked when armed: an incident on the activity, no timer job', async () => {
    server = await startServer({ clock: new ManualClock(START) });
    const s = server;
    expect((await deploy(s.base, 'cycle', [{ name: 'cycle.bpmn', content: fixture('budget-timer-cycle-expression.c7.bpmn') }])).status).toBe(200);
    const fast = (await (await startByKey(s.base, 'BudgetCycleExpressionC7', { cycle: { value: 'R/PT0.01S', type: 'String' } })).json()) as { id: string };
    expect(incidentsOf(s.engine, fast.id)).toMatchObject([
      { element_id: 'Task_Review', message: expect.stringMatching(/Timer cycle on 'Boundary_Remind' \('R\/PT0.01S'\) is refused: the cycle fires every 10 ms.*minTimerCycleInterval/) },
    ]);
    expect(count(s.engine, `SELECT COUNT(*) AS n FROM jobs WHERE instance_id = ? AND kind = 'timer'`, fast.id)).toBe(0);

    const slow = (await (await startByKey(s.base, 'BudgetCycleExpressionC7', { cycle: { value: 'R/PT1M', type: 'String' } })).json()) as { id: string };
    expect(incidentsOf(s.engine, slow.id)).toEqual([]);
    expect(count(s.engine, `SELECT COUNT(*) AS n FROM jobs WHERE instance_id = ? AND kind = 'timer'`, slow.id)).toBe(1);
  });

  it('the interval is an Engine.open option; 0 turns the check off', async () => {
    server = await startServer({ clock: new ManualClock(START), budgets: { minTimerCycleInterval: 0 } });
    expect((await deploy(server.base, 'fast', [{ name: 'fast.bpmn', content: fixture('budget-fast-timer-start.c7.bpmn') }])).status).toBe(200);
    await server.close();
    server = await startServer({ clock: new ManualClock(START), budgets: { minTimerCycleInterval: 60_000 } });
    const response = await deploy(server.base, 'hourly', [{ name: 'every-second.bpmn', content: fixture('budget-deleted-deployment.c7.bpmn') }]);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/fires every 1000 ms; the engine allows cycles of at least 60000 ms/);
  });
});
