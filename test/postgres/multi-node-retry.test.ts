/**
 * The command loop's answer to a conflict with another engine node (PostgreSQL reports them; the
 * loop itself is the same on both stores, so this runs on SQLite): the losing command runs again
 * in a later batch, up to five runs, then the caller gets Camunda's OptimisticLockingException
 * (REST: 500). Errors that are not conflicts are never re-run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/runtime/engine.js';
import { ConcurrentModificationError, isConflict } from '../../src/store/postgres/multi-node-conflicts.js';
import { OptimisticLockingError } from '../../src/runtime/errors.js';
import { toErrorResponse } from '../../src/http/errors.js';

describe('re-running a command that lost to another engine node', () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.close();
  });

  it('runs it again until it stops conflicting, and answers its value', async () => {
    engine = await Engine.open();
    let runs = 0;
    const value = await engine.submit(() => {
      runs++;
      if (runs < 3) throw new ConcurrentModificationError('instance-1');
      return 'done';
    });
    expect(value).toBe('done');
    expect(runs).toBe(3);
    expect(engine.conflictRetries).toBeGreaterThanOrEqual(2);
  });

  it('gives up after five runs with an OptimisticLockingException (500 over REST)', async () => {
    engine = await Engine.open();
    let runs = 0;
    const failure = await engine.submit(() => {
      runs++;
      throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OptimisticLockingError);
    expect((failure as Error).message).toMatch(/5 attempts/);
    // each attempt runs in the optimistic batch and again in its own savepoint
    expect(runs).toBeGreaterThanOrEqual(5);
    const answer = toErrorResponse(failure);
    expect(answer.status).toBe(500);
    expect(answer.body.type).toBe('OptimisticLockingException');
  });

  it('never re-runs a command that failed for another reason', async () => {
    engine = await Engine.open();
    let runs = 0;
    const failure = await engine.submit(() => {
      runs++;
      throw new Error('not a conflict');
    }).catch((error: unknown) => error);
    expect((failure as Error).message).toBe('not a conflict');
    // once optimistically, once in its own savepoint
    expect(runs).toBe(2);
    expect(engine.conflictRetries).toBe(0);
  });

  it('knows PostgreSQL conflicts by their SQLSTATE', () => {
    expect(['40001', '40P01', '23505'].map((code) => isConflict({ code }))).toEqual([true, true, true]);
    expect(isConflict({ code: '23503' })).toBe(false);
    expect(isConflict({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBe(false);
    expect(isConflict(new Error('plain'))).toBe(false);
  });
});
