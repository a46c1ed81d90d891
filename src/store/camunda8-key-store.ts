import type Database from 'better-sqlite3';

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
  private readonly insert: Database.Statement<[string]>;
  private readonly byId: Database.Statement<[string], { row: number }>;
  private readonly byRow: Database.Statement<[number], { id: string }>;
  private readonly mintRow: Database.Statement<[]>;

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS c8_keys (row INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE)`);
    this.insert = db.prepare(`INSERT OR IGNORE INTO c8_keys (id) VALUES (?)`);
    this.byId = db.prepare(`SELECT row FROM c8_keys WHERE id = ?`);
    this.byRow = db.prepare(`SELECT id FROM c8_keys WHERE row = ?`);
    this.mintRow = db.prepare(`INSERT INTO c8_keys (id) VALUES (NULL)`);
  }

  /** The key of an id, assigned on first sight. */
  keyOf(id: string): string {
    let found = this.byId.get(id);
    if (!found) {
      this.insert.run(id);
      found = this.byId.get(id)!;
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
    const row = this.mintRow.run().lastInsertRowid;
    return (KEY_BASE + BigInt(row)).toString();
  }

  /** Runs `fn` in one transaction (a search page assigns many keys at once). */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
