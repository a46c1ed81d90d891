import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/index.js';
import { flavours, historyOf, tempDatabase } from './helpers.js';

const INSTANCES = 20;

function lines(log: string): string[][] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => line.split(' ')) : [];
}

describe.each(flavours)('compensation survives a crash (%s)', (flavour) => {
  it('an engine killed while a compensation handler runs resumes the compensation exactly where it was', async () => {
    const database = tempDatabase();
    const log = join(database, '..', 'calls.log');
    writeFileSync(log, '');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'compensation-crash-worker.ts'), database, log, String(INSTANCES), flavour], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, MLC_LOG_LEVEL: 'silent' },
    });
    // every instance is in the middle of its compensation: the refund handler was called and hangs
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (lines(log).filter((l) => l[0] === 'call').length >= INSTANCES) {
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
    const refundKeys = new Map(before.filter((l) => l[0] === 'call').map((l) => [l[1]!, l[3]!]));
    expect(refundKeys.size).toBe(INSTANCES);

    const engine = await Engine.open({ database, retryBackoff: { initial: 0, max: 0 } });
    try {
      // what the file holds at the crash: the throw event waits on the refund, the booking still to undo
      const waiting = engine.db.prepare(`SELECT element_id, data FROM element_instances WHERE element_id = 'Throw_All'`).all() as Array<{ data: string }>;
      expect(waiting).toHaveLength(INSTANCES);
      for (const row of waiting) expect(JSON.parse(row.data).compensation.map((step: { handlerId: string }) => step.handlerId)).toEqual(['Undo_Book']);

      const calls: Array<{ topic: string; instanceId: string; key: string }> = [];
      for (const topic of ['book', 'charge', 'undo-charge', 'undo-book', 'after']) {
        engine.handle(topic, (job) => void calls.push({ topic, instanceId: job.instance.id, key: job.idempotencyKey }));
      }
      await engine.whenIdle(60_000);

      for (const instanceId of refundKeys.keys()) {
        expect(engine.instance(instanceId)).toMatchObject({ state: 'completed', endElementId: 'End_Undone' });
        const mine = calls.filter((call) => call.instanceId === instanceId);
        // the refund whose answer the crash lost runs again with its original key; nothing before it reruns
        expect(mine.map((call) => call.topic)).toEqual(['undo-charge', 'undo-book', 'after']);
        expect(mine[0]!.key).toBe(refundKeys.get(instanceId));
        const started = historyOf(engine, instanceId).filter((row) => row.kind === 'compensationHandlerStarted').map((row) => row.element_id);
        expect(started).toEqual(['Undo_Charge', 'Undo_Book']);
      }
      expect(engine.db.prepare('SELECT count(*) AS n FROM compensations').get()).toEqual({ n: 0 });
      expect(engine.db.prepare('SELECT count(*) AS n FROM element_instances').get()).toEqual({ n: 0 });
    } finally {
      await engine.close();
    }
  }, 120_000);
});
