import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/runtime/engine.js';
import { ManualClock } from '../../src/runtime/timers/index.js';
import { advance, childrenOf, completed, fixture, HOUR, jobs, MINUTE, START, state, task, tempDatabase, type TestEngine } from './helpers.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.close();
  t = undefined;
});

async function open(database: string, at: number, files: string[] = []): Promise<TestEngine> {
  const clock = new ManualClock(at);
  const engine = await Engine.open({ database, clock, retryBackoff: { initial: 0, max: 0 } });
  if (files.length) await engine.deploy({ name: 'test', resources: files.map((f) => ({ name: f, content: fixture(f) })) });
  return { engine, clock };
}

describe('restart', () => {
  it('a process waiting on a timer, a message and a user task continues after close and reopen', async () => {
    const database = tempDatabase();
    t = await open(database, START, ['restart-waits.c7.bpmn']);
    const pi = await t.engine.start('RestartWaitsC7', { businessKey: 'r' });
    await advance(t, 30 * MINUTE);
    await t.engine.close();

    // reopened after the timer became due while nobody was running
    t = await open(database, START + 2 * HOUR);
    await t.engine.whenIdle();
    await advance(t, 0);
    expect(t.engine.db.prepare(`SELECT count(*) AS c FROM history WHERE instance_id = ? AND kind = 'timerFired'`).get(pi.id)).toEqual({ c: 1 });
    expect(completed(t.engine, pi.id)).toContain('Wait_Timer');
    await advance(t, HOUR);
    expect(completed(t.engine, pi.id).filter((id) => id === 'Wait_Timer')).toHaveLength(1);

    expect(await t.engine.correlateMessage({ messageName: 'RESUME', businessKey: 'r' })).toEqual([{ resultType: 'Execution', processInstanceId: pi.id }]);
    await t.engine.completeTask(task(t.engine, pi.id, 'Task_Approve'));
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(completed(t.engine, pi.id).at(-1)).toBe('End');
  });

  it('an overdue cycle fires once after a restart and continues from its next slot', async () => {
    const database = tempDatabase();
    t = await open(database, START, ['event-subprocess.c7.bpmn']);
    const reminders: number[] = [];
    t.engine.handle('remind', () => void reminders.push(t!.clock.now()));
    const pi = await t.engine.start('EventSubprocessC7');
    await t.engine.close();

    t = await open(database, START + 3 * HOUR + 30 * MINUTE);
    t.engine.handle('remind', () => void reminders.push(t!.clock.now()));
    await advance(t, 0);
    expect(reminders).toEqual([START + 3 * HOUR + 30 * MINUTE]);
    expect(jobs(t.engine, pi.id).find((j) => j.kind === 'timer')!.due_at).toBe(START + 4 * HOUR);
    await advance(t, 30 * MINUTE);
    expect(reminders).toEqual([START + 3 * HOUR + 30 * MINUTE, START + 4 * HOUR]);
  });

  it('a called instance that completed just before a stop has continued its caller in the same transaction', async () => {
    const database = tempDatabase();
    t = await open(database, START, ['call-activity.c7.bpmn', 'call-activity-child.c7.bpmn']);
    const pi = await t.engine.start('CallParentC7', { variables: { modelId: 'm', threshold: 1 } });
    const [child] = childrenOf(t.engine, pi.id);
    const job = jobs(t.engine, child!.id).find((j) => j.kind === 'task')!;
    // a remote worker finishes the child's work; the parent continues in the same transaction
    t.engine.db.prepare('UPDATE jobs SET lock_owner = ?, lock_expires_at = ? WHERE id = ?').run('worker', START + HOUR, job.id);
    await t.engine.completeExternalTask(job.id as string, 'worker', { result: 42 });
    expect(state(t.engine, child!.id)).toBe('completed');
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(jobs(t.engine, pi.id)).toEqual([]);
    await t.engine.close();

    t = await open(database, START + MINUTE);
    await t.engine.whenIdle();
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(t.engine.db.prepare(`SELECT count(*) AS c FROM history WHERE instance_id = ? AND kind = 'activityCompleted' AND element_id = 'Call_Child'`).get(pi.id)).toEqual({ c: 1 });
  });
});
