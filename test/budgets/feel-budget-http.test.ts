import { afterEach, describe, expect, it } from 'vitest';
import { deploy, fixture, incidentsOf, startByKey, startServer, type BudgetServer } from './helpers.js';

let server: BudgetServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function startExpensive(s: BudgetServer, n: number, text: string, items: number): Promise<string> {
  expect((await deploy(s.base, 'feel', [{ name: 'feel.bpmn', content: fixture('budget-feel.c8.bpmn') }])).status).toBe(200);
  const response = await startByKey(s.base, 'BudgetFeelC8', {
    n: { value: n, type: 'Integer' },
    text: { value: text, type: 'String' },
    items: { value: JSON.stringify(Array.from({ length: items }, (_, i) => i)), type: 'Json' },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

// Issue 19, finding 6. Before, each of these script tasks held the event loop for seconds (fib(28)
// 5.3 s, "(a+)+$" on 27 characters 3.2 s, a nested for over an 8 KB list 5.2 s) and the start
// request waited for all of them; now each ends in an incident on its script task.
describe('FEEL without CPU limits, over HTTP (issue 19, finding 6)', () => {
  it('recursion, a catastrophic pattern and a nested loop each end in an incident', async () => {
    server = await startServer();
    const id = await startExpensive(server, 28, `${'a'.repeat(27)}!`, 3000);
    const incidents = incidentsOf(server.engine, id).sort((a, b) => String(a.element_id).localeCompare(String(b.element_id)));
    expect(incidents).toMatchObject([
      { element_id: 'Task_Fib', message: expect.stringMatching(/exceeded its budget of 1,000,000 steps/) },
      { element_id: 'Task_Nested', message: expect.stringMatching(/exceeded its budget of 1,000,000 steps/) },
      { element_id: 'Task_Regex', message: expect.stringMatching(/Regular expression "\(a\+\)\+\$" is refused/) },
    ]);
    // the server answers other requests
    expect((await fetch(`${server.base}/process-instance/${id}`)).status).toBe(200);
  });

  it('small inputs run (the pattern is refused whatever the input); the budget is the Engine.open option maxFeelSteps', async () => {
    server = await startServer({ budgets: { maxFeelSteps: 2_000 } });
    const id = await startExpensive(server, 5, 'aaa', 10);
    expect(incidentsOf(server.engine, id).map((incident) => incident.element_id)).toEqual(['Task_Regex']);
    expect(server.engine.variables(id)).toMatchObject({ fibResult: 5, pairs: 100 });

    const tight = await startByKey(server.base, 'BudgetFeelC8', {
      n: { value: 12, type: 'Integer' },
      text: { value: 'aaa', type: 'String' },
      items: { value: '[1, 2, 3]', type: 'Json' },
    });
    const tightId = ((await tight.json()) as { id: string }).id;
    expect(incidentsOf(server.engine, tightId).find((incident) => incident.element_id === 'Task_Fib')).toMatchObject({ message: expect.stringMatching(/budget of 2,000 steps/) });
  });
});
