/**
 * A called instance's end and its caller's continuation commit together or not at all: after a
 * SIGKILL at any moment, no child has ended while its parent still waits at the call activity,
 * and no note for a later transaction is left behind.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/index.js';
import { tempDatabase } from './helpers.js';

const PARENTS = 400;

const lines = (log: string): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

describe('crash safety of a cascade', () => {
  it('SIGKILL while children complete: every committed child end has continued its parent, nothing half-done', async () => {
    const database = tempDatabase();
    const log = join(database, '..', 'cascade.log');
    writeFileSync(log, '');
    const worker = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-cascade-worker.ts'), database, log, String(PARENTS)], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, MLC_LOG_LEVEL: 'silent' },
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (lines(log).filter((l) => l.startsWith('completed')).length >= PARENTS / 3) {
          clearInterval(timer);
          worker.kill('SIGKILL');
          resolve();
        }
      }, 2);
      worker.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`worker exited early with ${code}`));
      });
    });
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(lines(log)).not.toContain('done'); // it really died mid-run

    const engine = await Engine.open({ database });
    try {
      const db = engine.db;
      const endedChildren = db.prepare(`SELECT id, parent_instance_id AS parent FROM instances WHERE definition_key = 'SameTxChild' AND state = 'completed'`).all() as Array<{ id: string; parent: string }>;
      expect(endedChildren.length).toBeGreaterThan(0);
      expect(endedChildren.length).toBeLessThan(PARENTS);
      // every committed completion of a child has its parent past the call activity, at Approved
      const waitingAtCall = db.prepare(`SELECT count(*) AS n FROM element_instances WHERE instance_id = ? AND element_id = 'CallChild'`);
      const atApproved = db.prepare(`SELECT count(*) AS n FROM tasks WHERE instance_id = ? AND element_id = 'Approved'`);
      for (const child of endedChildren) {
        expect(waitingAtCall.get(child.parent)).toEqual({ n: 0 });
        expect(atApproved.get(child.parent)).toEqual({ n: 1 });
      }
      // and the parents still at the call activity have a child that has not ended
      const stillCalling = db.prepare(`SELECT e.instance_id AS parent, json_extract(e.data, '$.childInstanceId') AS child FROM element_instances e WHERE e.element_id = 'CallChild'`).all() as Array<{ parent: string; child: string }>;
      expect(stillCalling.length + endedChildren.length).toBe(PARENTS);
      for (const { child } of stillCalling) expect(engine.instance(child).state).toBe('active');
      expect(db.prepare(`SELECT count(*) AS n FROM jobs WHERE kind = 'continuation'`).get()).toEqual({ n: 0 });
      console.log(`cascade crash test: killed after ${endedChildren.length} of ${PARENTS} child completions`);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
