import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/runtime/timers/index.js';
import { count, deploy, fixture, startByKey, startServer, type BudgetServer } from './helpers.js';

let server: BudgetServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KEY = 'DeletedDeploymentC7';

async function deployed(s: BudgetServer): Promise<string> {
  const response = await deploy(s.base, 'deleted', [{ name: 'deleted.bpmn', content: fixture('budget-deleted-deployment.c7.bpmn') }]);
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

function activeOfKey(s: BudgetServer): number {
  return count(s.engine, `SELECT COUNT(*) AS n FROM instances WHERE definition_key = ? AND state = 'active'`, KEY);
}

describe('deleting a deployment under load (issue 19, finding 7)', () => {
  // Before: the cascade cancelled the instances it had found one command at a time and deleted the
  // definition last, so starts acknowledged in between survived with their definition gone.
  it('every start racing a cascading DELETE either is cancelled by it or is refused with 404', async () => {
    server = await startServer({ clock: new ManualClock(Date.parse('2026-01-05T00:00:00Z')) });
    const s = server;
    const deploymentId = await deployed(s);
    // six clients keep starting (60 starts in all); the DELETE goes out once ten have been acknowledged
    const starts: Response[] = [];
    let deletion: Promise<Response> | undefined;
    const client = async () => {
      while (starts.length < 60) {
        const response = await startByKey(s.base, KEY);
        starts.push(response);
        if (!deletion && starts.filter((r) => r.status === 200).length >= 10) {
          deletion = fetch(`${s.base}/deployment/${deploymentId}?cascade=true`, { method: 'DELETE' });
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, client));
    expect(deletion).toBeDefined();
    expect((await deletion!).status).toBe(204);

    const statuses = starts.map((r) => r.status);
    expect(statuses.every((status) => status === 200 || status === 404)).toBe(true);
    const acknowledged = await Promise.all(starts.filter((r) => r.status === 200).map(async (r) => ((await r.json()) as { id: string }).id));
    await s.engine.whenIdle();
    for (const id of acknowledged) expect(s.engine.instance(id).state).toBe('terminated');
    expect(activeOfKey(s)).toBe(0);
    expect(count(s.engine, `SELECT COUNT(*) AS n FROM tasks WHERE definition_key = ?`, KEY)).toBe(0);
    expect(count(s.engine, `SELECT COUNT(*) AS n FROM definitions WHERE key = ?`, KEY)).toBe(0);
    // a start after the delete is a clean 404, not a zombie
    expect((await startByKey(s.base, KEY)).status).toBe(404);
    expect(activeOfKey(s)).toBe(0);
  });

  it('timer starts of a deleted deployment stop, also while the delete is running', async () => {
    const clock = new ManualClock(Date.parse('2026-01-05T00:00:00Z'));
    server = await startServer({ clock });
    const s = server;
    const deploymentId = await deployed(s);
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      await s.engine.whenIdle();
    }
    expect(activeOfKey(s)).toBe(3);
    // a few starts in flight so the delete has several instances to cancel, and time moving meanwhile
    const inFlight = Array.from({ length: 10 }, () => startByKey(s.base, KEY));
    const deletion = fetch(`${s.base}/deployment/${deploymentId}?cascade=true`, { method: 'DELETE' });
    for (let i = 0; i < 20; i++) {
      clock.advance(1000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await deletion).status).toBe(204);
    await Promise.all(inFlight);
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await s.engine.whenIdle();
    }
    expect(activeOfKey(s)).toBe(0);
    expect(count(s.engine, `SELECT COUNT(*) AS n FROM jobs WHERE definition_key = ?`, KEY)).toBe(0);
  });

  it('without cascade a deployment with running instances is refused (400) and nothing changes', async () => {
    server = await startServer();
    const s = server;
    const deploymentId = await deployed(s);
    expect((await startByKey(s.base, KEY)).status).toBe(200);
    const refused = await fetch(`${s.base}/deployment/${deploymentId}`, { method: 'DELETE' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(/has 1 running process instance\(s\): delete with cascade=true/);
    expect(activeOfKey(s)).toBe(1);
    expect((await startByKey(s.base, KEY)).status).toBe(200);
  });
});
