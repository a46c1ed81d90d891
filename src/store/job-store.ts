import type { SqlDatabase } from './sql-database.js';
import type { JobRecord } from './records.js';
import { toJob } from './runtime-store.js';
import { dialectOf } from './sql-database.js';
import { MultiNodeJobQueue } from './postgres/multi-node-jobs.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

/** The scheduler's queries over the jobs table: what is due, what is orphaned, when to wake next. */
export class JobStore {
  private readonly s;
  /** PostgreSQL (several engine nodes): acquisition that never hands a job to two nodes */
  private readonly shared: MultiNodeJobQueue | undefined;

  /**
   * PostgreSQL only: `nodeGraceMs`, how long after its last heartbeat another node's locks still
   * count; `nodeId`, this engine node (its own locks never count as a dead node's).
   */
  constructor(readonly db: SqlDatabase, options: { nodeGraceMs?: number; nodeId?: string } = {}) {
    const p = (sql: string) => db.prepare(sql);
    this.shared = dialectOf(db) === 'postgres' ? new MultiNodeJobQueue(db, options.nodeGraceMs ?? 15_000, options.nodeId ?? '', toJob) : undefined;
    this.s = {
      dueEngineJobs: p(`SELECT * FROM jobs WHERE kind != 'task' AND retries > 0 AND suspended = 0 AND due_at <= ?
        AND (lock_expires_at IS NULL OR lock_expires_at <= ?) ORDER BY due_at LIMIT ?`),
      dueTopicJobs: p(`SELECT * FROM jobs WHERE kind = 'task' AND topic = ? AND retries > 0 AND suspended = 0 AND due_at <= ?
        AND (lock_expires_at IS NULL OR lock_expires_at <= ?) ORDER BY priority DESC, due_at LIMIT ?`),
      // unlocked jobs in due order straight from the index (a scan of every timer per poll made 10,000 timers quadratic),
      // plus locked ones at their lock expiry (few: only what is being worked on)
      // (subqueries aliased and the later of two times spelled as CASE: the form both SQLite and PostgreSQL accept)
      nextEngineDue: p(`SELECT min(at) AS at FROM (
        SELECT * FROM (SELECT due_at AS at FROM jobs WHERE retries > 0 AND kind != 'task' AND suspended = 0 AND lock_expires_at IS NULL ORDER BY due_at LIMIT 1) unlocked
        UNION ALL
        SELECT ${LATER_OF_DUE_AND_LOCK} AS at FROM jobs WHERE retries > 0 AND kind != 'task' AND suspended = 0 AND lock_expires_at IS NOT NULL) due`),
      // both halves walk an index in order and stop at the first row: a poll must not read every waiting job
      nextTopicDue: p(`SELECT min(at) AS at FROM (
        SELECT * FROM (SELECT due_at AS at FROM jobs WHERE kind = 'task' AND topic = @topic AND retries > 0 AND suspended = 0 AND lock_expires_at IS NULL ORDER BY due_at LIMIT 1) unlocked
        UNION ALL
        SELECT * FROM (SELECT ${LATER_OF_DUE_AND_LOCK} AS at FROM jobs WHERE lock_expires_at IS NOT NULL AND kind = 'task' AND topic = @topic AND retries > 0 AND suspended = 0 ORDER BY lock_expires_at LIMIT 1) locked) due`),
      engineLockCount: p(`SELECT count(*) AS n FROM jobs WHERE lock_owner LIKE 'engine:%'`),
      // PostgreSQL: the row stays locked until the command commits, so no node takes the job between this check and the new expiry
      lockedBy: p(`SELECT id FROM jobs WHERE id = ? AND lock_owner = ?${dialectOf(db) === 'postgres' ? ' FOR UPDATE' : ''}`),
    };
  }

  /** Due timers, continuations and the like, not locked by anyone alive (a suspended instance's wait). */
  dueEngineJobs(now: number, limit: number): JobRecord[] {
    if (this.shared) return this.shared.dueEngineJobs(now, limit);
    return (this.s.dueEngineJobs.all(now, now, limit) as Row[]).map(toJob);
  }

  /** Due work items of one handler topic. */
  dueTopicJobs(topic: string, now: number, limit: number): JobRecord[] {
    if (this.shared) return this.shared.dueTopicJobs(topic, now, limit);
    return (this.s.dueTopicJobs.all(topic, now, now, limit) as Row[]).map(toJob);
  }

  /** The earliest time anything for the engine itself (or these topics) becomes due. */
  nextDue(topics: Iterable<string>): number | null {
    let next = (this.s.nextEngineDue.get() as Row)?.at ?? null;
    for (const topic of topics) {
      const at = (this.s.nextTopicDue.get({ topic }) as Row)?.at ?? null;
      if (at !== null && (next === null || at < next)) next = at;
    }
    return next;
  }

  /** True when `owner` still holds the job's lock (inside a command: on PostgreSQL the row stays locked until it commits). */
  isLockedBy(jobId: string, owner: string): boolean {
    return this.s.lockedBy.get(jobId, owner) !== undefined;
  }

  /** Jobs locked by an engine (at open: by a previous one on this file, gone since: the file lock proves it; see `releaseEngineLocks`). */
  engineLockCount(): number {
    return (this.s.engineLockCount.get() as Row).n;
  }
}

/** SQLite's two-argument max(), which PostgreSQL spells GREATEST */
const LATER_OF_DUE_AND_LOCK = 'CASE WHEN due_at > lock_expires_at THEN due_at ELSE lock_expires_at END';
