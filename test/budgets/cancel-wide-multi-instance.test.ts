import { afterEach, describe, expect, it } from 'vitest';
import { count, deploy, fixture, startByKey, startServer, type BudgetServer } from './helpers.js';

let server: BudgetServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('cancelling a wide multi-instance (issue 19, finding 5)', () => {
  // Before: finding the children of a scope scanned every element instance, and the step's agenda
  // shifted an array, so cancelling N inner instances cost O(N^2) (N = 8,000: 6 s; 50,000: minutes).
  // The 120 s bound fails the old code and leaves the linear one (a few seconds) plenty of room.
  it('DELETE /process-instance/{id} on 50,000 waiting user tasks terminates every one of them', { timeout: 120_000 }, async () => {
    const N = 50_000;
    server = await startServer({ budgets: { maxParallelFanOut: N, maxMultiInstanceCardinality: N } });
    expect((await deploy(server.base, 'wide', [{ name: 'wide.bpmn', content: fixture('budget-multi-instance.c7.bpmn') }])).status).toBe(200);
    const started = await startByKey(server.base, 'BudgetMultiInstanceC7', { card: { value: N, type: 'Integer' } });
    expect(started.status).toBe(200);
    const { id } = (await started.json()) as { id: string };
    const engine = server.engine;
    expect(count(engine, 'SELECT COUNT(*) AS n FROM tasks WHERE instance_id = ?', id)).toBe(N);

    const cancelled = await fetch(`${server.base}/process-instance/${id}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(204);
    expect(engine.instance(id).state).toBe('terminated');
    expect(count(engine, 'SELECT COUNT(*) AS n FROM tasks WHERE instance_id = ?', id)).toBe(0);
    expect(count(engine, 'SELECT COUNT(*) AS n FROM element_instances WHERE instance_id = ?', id)).toBe(0);
    expect(count(engine, `SELECT COUNT(*) AS n FROM history WHERE instance_id = ? AND kind = 'activityTerminated' AND element_id = 'Task_Each'`, id)).toBe(N + 1);
  });
});
