/**
 * History seq numbers when several engine nodes write one PostgreSQL database. SQLite counts them
 * in memory from the tables' maximum (one writer); two nodes doing that would hand out the same
 * numbers. Here every history row and every packed step row takes one value of a database
 * sequence that advances by the largest step row (`blockSize` entries): the value is the first
 * seq of a block nobody else can get, and a step row numbers its entries first_seq + n inside it.
 * Per-instance order holds: a node writes an instance's history only after claiming the instance
 * (its revision row lock), so the next node to write it draws its blocks after this one committed.
 */
import type { SqlDatabase, SqlStatement } from '../sql-database.js';

export const HISTORY_SEQUENCE = 'history_seq';

export class HistorySeqBlocks {
  private ready = false;
  private draw?: SqlStatement;

  constructor(
    private readonly db: SqlDatabase,
    private readonly blockSize: number,
  ) {}

  /** The first seq of `count` fresh blocks, ascending. */
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
    if (this.ready) return;
    const exists = (this.db.prepare(`SELECT to_regclass(?) IS NOT NULL AS found`).get(HISTORY_SEQUENCE) as { found: boolean }).found;
    if (!exists) {
      this.db.transaction(() => {
        this.db.prepare(`SELECT pg_advisory_xact_lock(?) AS locked`).get(HISTORY_SEQUENCE_LOCK);
        const start = (this.db.prepare(`SELECT coalesce(max(s), 0) + 1 AS start FROM (
          SELECT max(seq) AS s FROM history_rows UNION ALL SELECT max(first_seq) + ${this.blockSize} AS s FROM history_steps) t`).get() as { start: number | string }).start;
        this.db.exec(`CREATE SEQUENCE IF NOT EXISTS ${HISTORY_SEQUENCE} INCREMENT BY ${this.blockSize} START WITH ${Number(start)}`);
      })();
    }
    this.draw = this.db.prepare(`SELECT nextval('${HISTORY_SEQUENCE}') AS v FROM generate_series(1, ?)`);
    this.ready = true;
  }
}

/** advisory lock key taken while the sequence is created (any constant of our own) */
const HISTORY_SEQUENCE_LOCK = 0x6d6c6303;
