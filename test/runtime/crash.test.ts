import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/index.js';
import { tempDatabase } from './helpers.js';

const INSTANCES = 1000;

function lines(log: string): string[][] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => line.split(' ')) : [];
}

describe('crash safety', () => {
  it('an engine killed with SIGKILL mid-run resumes every instance from the file: each completes once, nothing is lost', async () => {
    const database = tempDatabase();
    const log = join(database, '..', 'calls.log');
    writeFileSync(log, '');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-worker.ts'), database, log, String(INSTANCES)], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, MLC_LOG_LEVEL: 'silent' },
    });
    // kill it once a good part of the work is under way but not finished
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const calls = lines(log).filter((l) => l[0] === 'call').length;
        if (calls >= (INSTANCES * 3) / 2) {
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
    const before = lines(log);
    const callsBefore = before.filter((l) => l[0] === 'call').length;
    expect(callsBefore).toBeLessThan(INSTANCES * 3); // it really died mid-run
    expect(before.filter((l) => l[0] === 'started')).toHaveLength(INSTANCES);

    const engine = await Engine.open({ database, retryBackoff: { initial: 0, max: 0 } });
    try {
      for (const topic of ['a', 'b', 'c']) {
        engine.handle(topic, (job) => {
          writeFileSync(log, `call ${job.instance.id} ${topic} ${job.idempotencyKey} ${job.attempt}\n`, { flag: 'a' });
          return { variables: { [`${topic}Done`]: true } };
        });
      }
      await engine.whenIdle(60_000);

      const instances = engine.db.prepare('SELECT id, state FROM instances').all() as Array<{ id: string; state: string }>;
      const started = before.filter((l) => l[0] === 'started').map((l) => l[1]!);
      const known = new Set(instances.map((i) => i.id));
      for (const id of started) expect(known.has(id)).toBe(true); // every committed start survived
      expect(instances.every((i) => i.state === 'completed')).toBe(true);

      const ends = engine.db.prepare(`SELECT instance_id, count(*) AS n FROM history WHERE kind = 'activityCompleted' AND element_id = 'End' GROUP BY instance_id`).all() as Array<{ n: number }>;
      expect(ends).toHaveLength(instances.length);
      expect(ends.every((row) => row.n === 1)).toBe(true);
      const completions = engine.db.prepare(`SELECT count(*) AS n FROM history WHERE kind = 'instanceCompleted'`).get() as { n: number };
      expect(completions.n).toBe(instances.length);

      // every handler-visible step ran at least once, and always with the same idempotency key
      const keys = new Map<string, Set<string>>();
      for (const [, instanceId, topic, key] of lines(log).filter((l) => l[0] === 'call')) {
        const step = `${instanceId}/${topic}`;
        if (!keys.has(step)) keys.set(step, new Set());
        keys.get(step)!.add(key!);
      }
      for (const { id } of instances) {
        for (const topic of ['a', 'b', 'c']) expect(keys.get(`${id}/${topic}`)?.size).toBe(1);
      }
      expect(engine.db.prepare('SELECT count(*) AS n FROM jobs').get()).toEqual({ n: 0 });
      expect(engine.db.prepare('SELECT count(*) AS n FROM element_instances').get()).toEqual({ n: 0 });
      console.log(`crash test: ${instances.length} instances, ${callsBefore} handler calls before the kill, ${lines(log).length - before.length} after`);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
