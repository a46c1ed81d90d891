/**
 * History seq numbers when several engine nodes write one PostgreSQL database. SQLite counts them
 * in memory from the tables' maximum (one writer); two nodes doing that would hand out the same
 * numbers. Here every entry draws its number from one database sequence (no cache: a node never
 * holds numbers back), in one statement per batch:
 * - unique: a sequence never gives a value twice;
 * - per-instance order: a node writes an instance's history only while it holds the instance's
 *   revision (row lock) and draws at the end of its transaction, so the next node to write that
 *   instance draws after this one committed, and gets larger numbers;
 * - the same numbers as SQLite on one node (1, 2, 3, ...); when two nodes draw at the same instant
 *   their numbers interleave, and a packed step row (whose entries are first_seq + n) ends at a gap.
 */
import type { SqlDatabase, SqlStatement } from '../sql-database.js';

export const HISTORY_SEQUENCE = 'history_seq';

export class HistorySeqNumbers {
  private draw?: SqlStatement;

  constructor(private readonly db: SqlDatabase) {}

  /** `count` fresh numbers, ascending. */
  take(count: number): number[] {
    if (count === 0) return [];
    this.ensureSequence();
    const values = (this.draw!.all(count) as Array<{ v: number | string }>).map((row) => Number(row.v));
    return values.sort((a, b) => a - b);
  }

  /**
   * The sequence, created by the first node that needs it (under an advisory lock: two nodes
   * creating it at once would collide in the catalog), starting above any seq already written.
   */
  ensureSequence(): void {
    if (this.draw) return;
    const exists = (this.db.prepare(`SELECT to_regclass(?) IS NOT NULL AS found`).get(HISTORY_SEQUENCE) as { found: boolean }).found;
    if (!exists) {
      this.db.transaction(() => {
        this.db.prepare(`SELECT pg_advisory_xact_lock(?) AS locked`).get(HISTORY_SEQUENCE_LOCK);
        const start = (this.db.prepare(`SELECT coalesce(max(s), 0) + 1 AS start FROM (
          SELECT max(seq) AS s FROM history_rows
          UNION ALL SELECT max(first_seq + jsonb_array_length(entries::jsonb) - 1) AS s FROM history_steps) t`).get() as { start: number | string }).start;
        this.db.exec(`CREATE SEQUENCE IF NOT EXISTS ${HISTORY_SEQUENCE} START WITH ${Number(start)} CACHE 1`);
      })();
    }
    this.draw = this.db.prepare(`SELECT nextval('${HISTORY_SEQUENCE}') AS v FROM generate_series(1, ?)`);
  }
}

/** advisory lock key taken while the sequence is created (any constant of our own) */
const HISTORY_SEQUENCE_LOCK = 0x6d6c6303;
