/**
 * Follow-ups (a called instance continuing its caller, a thrown signal reaching its receivers) run
 * in the command that caused them. They run in a loop, not by recursion, and at most maxFollowUps
 * of them per command: a cascade that never comes to rest fails the command with a clear error and
 * keeps nothing, instead of running forever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { count, deploy, fixture, startByKey, startServer, type BudgetServer } from './helpers.js';

let server: BudgetServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serverWith(budgets = {}): Promise<BudgetServer> {
  server = await startServer({ budgets });
  expect((await deploy(server.base, 'signals', [{ name: 'budget-signal-loop.c7.bpmn', content: fixture('budget-signal-loop.c7.bpmn') }])).status).toBe(200);
  return server;
}

describe('follow-ups of one command (maxFollowUps)', () => {
  it('a signal that starts an instance throwing it again fails the command with the budget named, and keeps nothing', async () => {
    const s = await serverWith({ maxFollowUps: 50 });
    const res = await fetch(`${s.base}/signal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ECHO' }) });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { type: string; message: string };
    expect(body.message).toMatch(/ran 50 follow-ups .* without coming to rest \(budget maxFollowUps\)/);
    // rolled back as a whole: no instance, no history, no job
    expect(count(s.engine, 'SELECT count(*) AS n FROM instances')).toBe(0);
    expect(count(s.engine, 'SELECT count(*) AS n FROM history')).toBe(0);
    expect(count(s.engine, 'SELECT count(*) AS n FROM jobs')).toBe(0);
  });

  it('one thrown signal reaches 10,000 waiting instances in the command that threw it (no stack or budget exhausted)', async () => {
    const s = await serverWith();
    const receivers = 10_000;
    for (let i = 0; i < receivers; i += 500) {
      await Promise.all(Array.from({ length: 500 }, () => s.engine.start('WideCatcherC7')));
    }
    expect(count(s.engine, `SELECT count(*) AS n FROM instances WHERE definition_key = 'WideCatcherC7' AND state = 'active'`)).toBe(receivers);
    const thrower = (await (await startByKey(s.base, 'WideThrowerC7')).json()) as { id: string };
    const task = (await (await fetch(`${s.base}/task?processInstanceId=${thrower.id}`)).json()) as Array<{ id: string }>;
    const started = performance.now();
    const res = await fetch(`${s.base}/task/${task[0]!.id}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(204);
    console.log(`follow-up budget: one signal to ${receivers} receivers answered in ${Math.round(performance.now() - started)} ms`);
    expect(count(s.engine, `SELECT count(*) AS n FROM instances WHERE definition_key = 'WideCatcherC7' AND state = 'completed'`)).toBe(receivers);
    expect(count(s.engine, 'SELECT count(*) AS n FROM jobs')).toBe(0);
  }, 120_000);
});
