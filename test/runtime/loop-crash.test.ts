import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/index.js';
import { tempDatabase } from './helpers.js';

const INSTANCES = 3;

function lines(log: string): string[][] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => line.split(' ')) : [];
}

/** Runs the worker until every instance has a call to `hangAt` in flight, then SIGKILLs it. */
async function runUntilHung(database: string, log: string, mode: 'start' | 'resume', hangAt: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'loop-crash-worker.ts'), database, log, mode, hangAt, String(INSTANCES)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, MLC_LOG_LEVEL: 'silent' },
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (lines(log).filter((l) => l[0] === 'call' && l[2] === hangAt).length >= INSTANCES) {
        clearInterval(timer);
        child.kill('SIGKILL');
        resolve();
      }
    }, 5);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`worker exited early with ${code}`));
    });
  });
  await new Promise((resolve) => child.once('exit', resolve));
}

describe('crash in the middle of a standard loop and of an ad-hoc sub-process', () => {
  it('SIGKILLed mid-iteration and mid-ad-hoc, each instance resumes exactly where it was', async () => {
    const database = tempDatabase();
    const log = join(database, '..', 'calls.log');
    writeFileSync(log, '');
    await runUntilHung(database, log, 'start', 'batch:3'); // killed during the fourth iteration
    await runUntilHung(database, log, 'resume', 'check:Task_Second'); // killed during the second ad-hoc check

    const engine = await Engine.open({ database, retryBackoff: { initial: 0, max: 0 } });
    try {
      for (const topic of ['batch', 'check']) {
        engine.handle(topic, (job) => {
          const where = topic === 'batch' ? String(job.variables.loopCounter) : job.element.id;
          writeFileSync(log, `call ${job.instance.id} ${topic}:${where} ${job.idempotencyKey}\n`, { flag: 'a' });
          return {};
        });
      }
      await engine.whenIdle(60_000);
      const started = lines(log).filter((l) => l[0] === 'started').map((l) => l[1]!);
      expect(started).toHaveLength(INSTANCES);
      for (const id of started) {
        expect(engine.instance(id).state).toBe('completed');
        const calls = lines(log).filter((l) => l[0] === 'call' && l[1] === id).map((l) => ({ what: l[2]!, key: l[3]! }));
        // what committed before a kill never ran again; the call in flight ran again with its idempotency key
        expect(calls.map((c) => c.what)).toEqual([
          'batch:0', 'batch:1', 'batch:2', 'batch:3', 'batch:3', 'batch:4', 'batch:5',
          'check:Task_First', 'check:Task_Second', 'check:Task_Second', 'check:Task_Third',
        ]);
        expect(calls[3]!.key).toBe(calls[4]!.key);
        expect(calls[8]!.key).toBe(calls[9]!.key);
        const batchRows = engine.db.prepare(`SELECT count(*) AS n FROM history WHERE instance_id = ? AND kind = 'activityCompleted' AND element_id = 'Task_Batch'`).get(id) as { n: number };
        expect(batchRows.n).toBe(7); // six iterations and the loop
      }
      expect(engine.db.prepare('SELECT count(*) AS n FROM element_instances').get()).toEqual({ n: 0 });
      expect(engine.db.prepare('SELECT count(*) AS n FROM jobs').get()).toEqual({ n: 0 });
    } finally {
      await engine.close();
    }
  }, 120_000);
});
