import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { postgresBinaries } from '../throwaway-cluster.js';
import { BPMN_FIXTURES, startMultiNodeCluster, waitFor, type MultiNodeCluster } from './cluster-harness.js';
import { allFinished, cleanLedger, ledger, progress } from './ledger.js';

/** the issue asks for 10,000; MLC_MULTINODE_TIMERS lowers it on a slow machine */
const TIMERS = Number(process.env.MLC_MULTINODE_TIMERS ?? 10_000);
/**
 * Longer than the run: the killed node's timer jobs are freed by its stale heartbeat (the default
 * heartbeat, 5 s, and grace, 15 s). OPEN BUG seen with 1 s / 5 s: a node busy acquiring thousands of
 * due timers misses its own heartbeat, then counts its own locks as a dead node's and re-acquires
 * them batch after batch in one synchronous loop (Scheduler.poll's `while (more)`), which never
 * yields, so the heartbeat never recovers: the run stops.
 */
const LOCK_MS = 60_000;
/** every instance waits this long on its timer: long enough that all are started before many fire */
const DELAY = process.env.MLC_MULTINODE_TIMER_DELAY ?? 'PT15S';

describe.skipIf(!postgresBinaries())('timers on two nodes, one killed mid-run', () => {
  let cluster: MultiNodeCluster;

  beforeAll(async () => {
    cluster = await startMultiNodeCluster('timers_killed_node');
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it(`${TIMERS} timers: each fires exactly once, those of the killed node on the survivor`, async () => {
    const options = { handlerTimeout: LOCK_MS };
    const a = await cluster.spawn({ name: 'A', deploy: [join(BPMN_FIXTURES, 'timer-variable.c7.bpmn')], options });
    const b = await cluster.spawn({ name: 'B', options });
    const began = Date.now();
    const half = Math.floor(TIMERS / 2);
    const started = await Promise.all([a.start('TimerVariableC7', half, 'a-', { delay: DELAY }), b.start('TimerVariableC7', TIMERS - half, 'b-', { delay: DELAY })]);
    expect(started[0] + started[1]).toBe(TIMERS);
    const startSeconds = (Date.now() - began) / 1000;

    await waitFor('a fifth of the timers fired', async () => (await cluster.scalar(`SELECT count(*) FROM instances WHERE state = 'completed'`)) >= TIMERS / 5, 120_000, 50, () => progress(cluster));
    const lockedAtKill = await cluster.query<{ owner: string; n: string }>('SELECT lock_owner AS owner, count(*) AS n FROM jobs WHERE lock_owner IS NOT NULL GROUP BY lock_owner');
    await a.kill9();
    const killedAt = Date.now();
    const firedBeforeKill = await cluster.scalar(`SELECT count(*) FROM instances WHERE state = 'completed'`);
    expect(firedBeforeKill).toBeLessThan(TIMERS); // the kill landed mid-run

    await waitFor('every timer to fire after the kill', () => allFinished(cluster), 180_000, 250, () => progress(cluster));
    const seconds = (Date.now() - began) / 1000;
    // one firing per timer: the timer element completed once and the instance ended once
    expect(await ledger(cluster, ['Wait', 'End'])).toEqual(cleanLedger(TIMERS, ['Wait', 'End']));
    console.log(`multi-node timers: ${TIMERS} timers (${DELAY}), started in ${startSeconds.toFixed(1)} s, ${firedBeforeKill} fired before A was killed, ` +
      `locks at the kill ${lockedAtKill.map((row) => `${row.owner}: ${row.n}`).join(', ') || 'none'}, all fired ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill, ${seconds.toFixed(1)} s in all`);
  }, 540_000);
});
