/**
 * The job queue shared by engine nodes on one PostgreSQL database. Acquisition reads due jobs
 * `FOR UPDATE SKIP LOCKED` inside the acquiring transaction: a row another node is acquiring (or
 * completing) right now is skipped, a row it committed meanwhile is re-checked against the
 * condition by PostgreSQL before it is locked, and the rows returned stay locked until this node
 * commits their new lock owner, so no job is ever handed to two nodes.
 *
 * A job is free when nobody holds it, its lock expired (times on the database clock, see
 * node-heartbeat.ts), or it is held by an engine node whose heartbeat is older than the grace:
 * that node is dead and its jobs are taken over at once instead of after the lock expiry.
 */
import type { SqlDatabase, SqlStatement } from '../sql-database.js';
import type { JobRecord } from '../records.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

/**
 * free: unlocked, expired (`?` = now), or locked by another engine node (`?` = this node's id) not
 * heard from since `?` = now - grace. Never this node's own locks: its heartbeat may be late (a
 * blocked event loop) while it still runs those jobs, and taking them again would run them twice.
 */
const FREE = `(lock_expires_at IS NULL OR lock_expires_at <= ?
  OR (lock_owner LIKE 'engine:%' AND lock_owner != ? AND NOT EXISTS (SELECT 1 FROM nodes n WHERE n.id = jobs.lock_owner AND n.heartbeat_at > ?)))`;

export class MultiNodeJobQueue {
  private readonly dueEngine: SqlStatement;
  private readonly dueTopic: SqlStatement;

  constructor(
    db: SqlDatabase,
    /** ms after its last heartbeat that an engine node counts as dead */
    private readonly graceMs: number,
    /** this node's id: its own locks are never a dead node's */
    private readonly nodeId: string,
    private readonly toJob: (row: Row) => JobRecord,
  ) {
    this.dueEngine = db.prepare(`SELECT * FROM jobs WHERE kind != 'task' AND retries > 0 AND suspended = 0 AND due_at <= ? AND ${FREE}
      ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED`);
    this.dueTopic = db.prepare(`SELECT * FROM jobs WHERE kind = 'task' AND topic = ? AND retries > 0 AND suspended = 0 AND due_at <= ? AND ${FREE}
      ORDER BY priority DESC, due_at LIMIT ? FOR UPDATE SKIP LOCKED`);
  }

  dueEngineJobs(now: number, limit: number): JobRecord[] {
    return (this.dueEngine.all(now, now, this.nodeId, now - this.graceMs, limit) as Row[]).map(this.toJob);
  }

  dueTopicJobs(topic: string, now: number, limit: number): JobRecord[] {
    return (this.dueTopic.all(topic, now, now, this.nodeId, now - this.graceMs, limit) as Row[]).map(this.toJob);
  }
}

/** Appended to a worker's lock-candidate query on PostgreSQL (see the class comment). */
export const SKIP_LOCKED_CANDIDATES = ' FOR UPDATE OF j SKIP LOCKED';
