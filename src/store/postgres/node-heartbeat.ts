/**
 * An engine node's life on a shared PostgreSQL database: its `nodes` row, written at open and
 * every interval. A node whose heartbeat is older than the grace (default: three intervals) is
 * dead: the job locks its id holds count as free at once (multi-node-jobs.ts), so its handler
 * jobs and timers are taken over without waiting for the lock expiry. A node closing cleanly
 * deletes its row and gives its locks back. Every heartbeat also measures the database clock,
 * the one clock lock expiries are compared on (see DatabaseTime).
 */
import type { SqlDatabase, SqlStatement } from '../sql-database.js';

/** The database clock minus this machine's, in ms; follows every measurement. */
export class DatabaseTime {
  offset = 0;

  constructor(private readonly db: SqlDatabase) {}

  /** Reads the database clock once; half the round trip is taken as the moment it was read. */
  measure(): void {
    const before = Date.now();
    const row = this.db.prepare(`SELECT CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS BIGINT) AS now`).get() as { now: number | string };
    const after = Date.now();
    // whole ms: every time the engine writes is an integer column
    this.offset = Math.round(Number(row.now) - (before + after) / 2);
  }

  now(): number {
    return Date.now() + this.offset;
  }
}

export interface HeartbeatOptions {
  /** ms between heartbeats */
  intervalMs: number;
  /** the engine's time (the database clock, or a test's manual clock): what heartbeat_at holds */
  now(): number;
  /** measured again with every heartbeat when the engine runs on the database clock */
  time?: DatabaseTime;
  failed(error: Error): void;
}

export class NodeHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  /** when this node last wrote its heartbeat (this machine's clock: only compared with itself) */
  private lastBeat = 0;
  private readonly s: { upsert: SqlStatement; remove: SqlStatement; release: SqlStatement };

  constructor(
    private readonly db: SqlDatabase,
    readonly nodeId: string,
    private readonly options: HeartbeatOptions,
  ) {
    this.s = {
      upsert: db.prepare(`INSERT INTO nodes (id, heartbeat_at, started_at) VALUES (?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`),
      remove: db.prepare(`DELETE FROM nodes WHERE id = ?`),
      release: db.prepare(`UPDATE jobs SET lock_owner = NULL, lock_expires_at = NULL WHERE lock_owner = ?`),
    };
  }

  /** Writes the first heartbeat and keeps beating every interval. */
  start(): void {
    this.beat();
    this.timer = setInterval(() => this.beatSafely(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One heartbeat now. */
  beat(): void {
    this.options.time?.measure();
    const now = this.options.now();
    this.s.upsert.run(this.nodeId, now, now);
    this.lastBeat = Date.now();
  }

  /**
   * Beats now when the interval timer is late (a blocked event loop, a busy machine): called before
   * the node acquires jobs, so the others never see it as dead while it is acquiring.
   */
  beatIfLate(): void {
    if (this.timer === undefined) return; // stopped or left: a crashed node does not beat
    if (Date.now() - this.lastBeat >= this.options.intervalMs) this.beatSafely();
  }

  /** Stops beating without a trace (what a crashed node leaves behind; tests use it). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A clean close: the row goes and the node's job locks are given back (in one transaction). */
  leave(): void {
    this.stop();
    this.db.transaction(() => {
      this.s.release.run(this.nodeId);
      this.s.remove.run(this.nodeId);
    })();
  }

  private beatSafely(): void {
    try {
      this.beat();
    } catch (error) {
      this.options.failed(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
