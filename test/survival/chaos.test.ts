import { describe, it, expect } from 'vitest';
import { runChaos } from './chaos-driver.js';

/**
 * The short form of `npm run chaos` (100 cycles): the real server on a file database, SIGKILLed
 * at 5 seeded random moments with 200 instances in flight, restarted, then drained and checked.
 */
describe('chaos: SIGKILL the server with 200 instances in flight', () => {
  it('5 kill/restart cycles lose no acknowledged instance, complete nothing twice, keep idempotency keys stable and leave no lock behind', async () => {
    const report = await runChaos({ cycles: Number(process.env.CHAOS_CYCLES ?? 5), seed: 20261124, upMs: [300, 1500], maxStarts: 400 });
    expect(report.problems).toEqual([]);
    expect(report.kills).toBe(Number(process.env.CHAOS_CYCLES ?? 5));
    expect(report.started).toBeGreaterThan(0);
    expect(report.completed).toBe(report.instances);
    expect(report.instances).toBeGreaterThanOrEqual(report.started);
    expect(report.timersFired).toBe(report.instances);
    expect(report.tasksCompletedOverRest).toBeGreaterThan(0);
  }, 180_000);
});
