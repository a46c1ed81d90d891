import { dialectOf, type SqlDatabase } from './sql-database.js';
import type { MetricsReads } from './queries.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

/** Instances of one process key by state, counted over every instance the database holds. */
export interface InstanceCount {
  processKey: string;
  state: string;
  count: number;
}

export interface JobCount {
  kind: string;
  /** the topic of service-task work items; '' for timers and continuations */
  topic: string;
  count: number;
}

export interface IncidentCount {
  processKey: string;
  count: number;
}

/**
 * The aggregate reads behind the Prometheus gauges, run at scrape time (every few seconds at
 * most), and the write probe of the readiness check. Each is one GROUP BY over an indexed table.
 */
export class MetricsQueries implements MetricsReads {
  private readonly s;

  constructor(private readonly db: SqlDatabase) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      instances: p(`SELECT definition_key AS processKey, state, COUNT(*) AS count FROM instances GROUP BY state, definition_key`),
      // incidents carry their definition: counted per definition first, then named by its key (a handful of rows)
      incidents: p(`SELECT COALESCE(d.key, '') AS processKey, SUM(n.count) AS count
        FROM (SELECT definition_id, COUNT(*) AS count FROM incidents GROUP BY definition_id) n
        LEFT JOIN definitions d ON d.id = n.definition_id GROUP BY 1`),
      // due = could run now (retries left, due, not locked by anyone alive): the backlog
      jobsDue: p(`SELECT kind, COALESCE(topic, '') AS topic, COUNT(*) AS count FROM jobs
        WHERE retries > 0 AND due_at <= ? AND (lock_expires_at IS NULL OR lock_expires_at <= ?) GROUP BY kind, topic`),
      jobsLocked: p(`SELECT kind, COALESCE(topic, '') AS topic, COUNT(*) AS count FROM jobs
        WHERE lock_expires_at > ? GROUP BY kind, topic`),
    };
  }

  instanceCounts(): InstanceCount[] {
    return this.s.instances.all() as Row[];
  }

  openIncidents(): IncidentCount[] {
    return this.s.incidents.all() as Row[];
  }

  jobsDue(now: number): JobCount[] {
    return this.s.jobsDue.all(now, now) as Row[];
  }

  jobsLocked(now: number): JobCount[] {
    return this.s.jobsLocked.all(now) as Row[];
  }

  isOpen(): boolean {
    // better-sqlite3 and PostgresDatabase both say so
    return (this.db as { open?: boolean }).open ?? true;
  }

  /**
   * True when a write transaction can be opened now (the file is writable, not read-only, the
   * disk has not failed the journal). Takes the write lock and rolls back without writing.
   */
  canWrite(): { ok: true } | { ok: false; reason: string } {
    if (!this.isOpen()) return { ok: false, reason: 'the database is closed' };
    if ((this.db as { readonly?: boolean }).readonly) return { ok: false, reason: 'the database is open read-only' };
    if (this.db.inTransaction) return { ok: true }; // a command batch holds the write lock right now
    try {
      if (dialectOf(this.db) === 'postgres') return this.postgresCanWrite();
      this.db.exec('BEGIN IMMEDIATE');
      this.db.exec('ROLLBACK');
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** PostgreSQL takes writes unless this server is a standby or the session is read-only. */
  private postgresCanWrite(): { ok: true } | { ok: false; reason: string } {
    let row;
    try {
      row = this.readOnlyState();
    } catch (error) {
      // the connection has no open flag of its own: a closed one says so when used
      if (error instanceof Error && /connection is closed/i.test(error.message)) return { ok: false, reason: 'the database is closed' };
      throw error;
    }
    if (row.standby) return { ok: false, reason: 'the PostgreSQL server is a standby (read-only)' };
    if (row.readonly === 'on') return { ok: false, reason: 'the PostgreSQL session is read-only' };
    return { ok: true };
  }

  private readOnlyState(): { standby: number; readonly: string } {
    return this.db.prepare(`SELECT pg_is_in_recovery()::int AS standby, current_setting('transaction_read_only') AS readonly`).get() as { standby: number; readonly: string };
  }
}
