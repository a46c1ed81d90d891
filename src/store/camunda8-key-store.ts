import { dialectOf, type SqlDatabase, type SqlStatement } from './sql-database.js';

/**
 * Camunda 8 keys for our ids. The v2 API names every entity by an int64 key; our ids are UUIDs
 * (and `process:version:uuid` for definitions), too wide to fold into 64 bits reversibly, so each
 * id gets a row here the first time the v2 API shows it. Keys are the row number above Zeebe's
 * partition-1 base (2^51), so they look like Zeebe keys, stay below 2^53 (exact in JSON numbers
 * and JavaScript) and are stable across restarts: the table lives in the engine's database.
 * The table is created here (IF NOT EXISTS) rather than in the migration list: it is an additive,
 * self-contained addition that older engines simply ignore.
 *
 * Why it writes outside the command loop (the one exception to "only the loop opens transactions"):
 * it is an id-mapping table of the v2 wire dialect, not runtime state. No command reads it, no
 * element instance, job or history row refers to it, and losing a row only means an id gets a new
 * key the next time it is shown. Keys are assigned when the v2 API first *shows* an id, mostly in
 * synchronous reads (searches, GETs, 44 call sites) of records that commands created without any
 * notion of Camunda 8 (a Camunda 7 start, a timer, a call activity); UUIDs do not fold into 53 bits
 * reversibly, so a key cannot be derived from the id at creation either. Routing each first sight
 * through the loop would make every one of those reads an async command for a table nothing else
 * reads. The loop's batch transactions run synchronously, so these writes never interleave with one.
 */
const KEY_BASE = 2n ** 51n;

export class Camunda8KeyStore {
  private readonly insert: SqlStatement;
  private readonly byId: SqlStatement;
  private readonly byRow: SqlStatement;
  private readonly mintRow: SqlStatement;

  constructor(private readonly db: SqlDatabase) {
    // PostgreSQL gets this table from its schema (src/store/postgres/schema.ts)
    if (dialectOf(db) === 'sqlite') db.exec(`CREATE TABLE IF NOT EXISTS c8_keys (row INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE)`);
    this.insert = db.prepare(`INSERT OR IGNORE INTO c8_keys (id) VALUES (?)`);
    this.byId = db.prepare(`SELECT row FROM c8_keys WHERE id = ?`);
    this.byRow = db.prepare(`SELECT id FROM c8_keys WHERE row = ?`);
    // RETURNING (SQLite ≥ 3.35 and PostgreSQL) rather than lastInsertRowid, which PostgreSQL lacks
    this.mintRow = db.prepare(`INSERT INTO c8_keys (id) VALUES (NULL) RETURNING row`);
  }

  /** The key of an id, assigned on first sight. */
  keyOf(id: string): string {
    let found = this.byId.get(id);
    if (!found) {
      this.insert.run(id);
      found = this.byId.get(id) as { row: number };
    }
    return (KEY_BASE + BigInt(found.row)).toString();
  }

  /** The id behind a key, undefined when the key was never handed out (or is not a key). */
  idOf(key: string): string | undefined {
    if (!/^[0-9]{1,19}$/.test(key)) return undefined;
    const row = BigInt(key) - KEY_BASE;
    if (row <= 0n || row > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    return this.byRow.get(Number(row))?.id ?? undefined;
  }

  /** A fresh key for something that has no id of its own (a published message, a broadcast signal). */
  mint(): string {
    const row = (this.mintRow.get() as { row: number }).row;
    return (KEY_BASE + BigInt(row)).toString();
  }

  /** Runs `fn` in one transaction (a search page assigns many keys at once). */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
