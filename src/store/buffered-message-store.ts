import { dialectOf, type SqlDatabase } from './sql-database.js';
import { MessageNameLock } from './postgres/multi-node-messages.js';

/** A published message waiting for a subscription to open (Camunda 8's message buffer). */
export interface BufferedMessage {
  row: number;
  /** the v2 messageKey it was published under */
  messageKey: string;
  name: string;
  correlationKey: string;
  /** JSON of the message's variables */
  variables: string;
  tenantId: string | null;
  /** the publisher's deduplication id, unique per name while buffered */
  messageId: string | null;
  expiresAt: number;
  /** the subscription a delivery is scheduled for (taken messages are not offered again) */
  takenBy: string | null;
}

const stores = new WeakMap<SqlDatabase, BufferedMessageStore>();

/**
 * Messages published with a time to live that nothing was waiting for yet. A subscription that
 * opens later with the same name and correlation key takes the oldest live one. The table is
 * created here (IF NOT EXISTS): an additive, self-contained addition older engines ignore.
 */
export class BufferedMessageStore {
  private readonly s;
  /** PostgreSQL (several nodes): see MessageNameLock */
  private readonly messageLock: MessageNameLock | undefined;

  static for(db: SqlDatabase): BufferedMessageStore {
    let store = stores.get(db);
    if (!store) stores.set(db, (store = new BufferedMessageStore(db)));
    return store;
  }

  private constructor(db: SqlDatabase) {
    this.messageLock = dialectOf(db) === 'postgres' ? new MessageNameLock(db) : undefined;
    // PostgreSQL gets this table from its schema (src/store/postgres/schema.ts)
    if (dialectOf(db) === 'sqlite') db.exec(`CREATE TABLE IF NOT EXISTS buffered_messages (
      row INTEGER PRIMARY KEY AUTOINCREMENT,
      message_key TEXT NOT NULL,
      name TEXT NOT NULL,
      correlation_key TEXT NOT NULL,
      variables TEXT NOT NULL,
      tenant_id TEXT,
      message_id TEXT,
      expires_at INTEGER NOT NULL,
      taken_by TEXT
    );
    CREATE INDEX IF NOT EXISTS buffered_messages_match ON buffered_messages (name, correlation_key, expires_at);
    CREATE UNIQUE INDEX IF NOT EXISTS buffered_messages_id ON buffered_messages (name, message_id) WHERE message_id IS NOT NULL;`);
    this.s = {
      insert: db.prepare(`INSERT INTO buffered_messages (message_key, name, correlation_key, variables, tenant_id, message_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      // a message reserved for a subscription that has since gone (its element was left) is offered again
      live: db.prepare(`SELECT * FROM buffered_messages WHERE name = ? AND correlation_key = ? AND expires_at > ? AND (taken_by IS NULL OR taken_by NOT IN (SELECT id FROM subscriptions)) ORDER BY row`),
      byMessageId: db.prepare(`SELECT * FROM buffered_messages WHERE name = ? AND message_id = ? AND expires_at > ?`),
      get: db.prepare(`SELECT * FROM buffered_messages WHERE row = ?`),
      take: db.prepare(`UPDATE buffered_messages SET taken_by = ? WHERE row = ?`),
      release: db.prepare(`UPDATE buffered_messages SET taken_by = NULL WHERE row = ?`),
      remove: db.prepare(`DELETE FROM buffered_messages WHERE row = ?`),
      expire: db.prepare(`DELETE FROM buffered_messages WHERE expires_at <= ?`),
    };
  }

  insert(message: Omit<BufferedMessage, 'row' | 'takenBy'>, now: number): void {
    this.s.expire.run(now);
    this.s.insert.run(message.messageKey, message.name, message.correlationKey, message.variables, message.tenantId, message.messageId, message.expiresAt);
  }

  /** A live message already published under this messageId (Zeebe refuses a duplicate). */
  withMessageId(name: string, messageId: string, now: number): BufferedMessage | undefined {
    this.messageLock?.take(name);
    return toMessage(this.s.byMessageId.get(name, messageId, now));
  }

  /**
   * The oldest live message nobody holds, skipping those `reserved` says a command holds already
   * (its reservation is not written yet); undefined when none is buffered. Reserving is a change
   * (`reserveBufferedMessage`) the command appends.
   */
  oldestLive(name: string, correlationKey: string, now: number, reserved: (row: number) => boolean): BufferedMessage | undefined {
    this.messageLock?.take(name);
    for (const row of this.s.live.iterate(name, correlationKey, now)) {
      const message = toMessage(row)!;
      if (!reserved(message.row)) return message;
    }
    return undefined;
  }

  /** Held for a subscription: it is not offered to another one while that subscription exists. */
  reserve(row: number, subscriptionId: string): void {
    this.s.take.run(subscriptionId, row);
  }

  get(row: number): BufferedMessage | undefined {
    return toMessage(this.s.get.get(row));
  }

  /** The reserved subscription went away before delivery: offer the message again. */
  release(row: number): void {
    this.s.release.run(row);
  }

  /** Delivered: a buffered message correlates once. */
  remove(row: number): void {
    this.s.remove.run(row);
  }
}

function toMessage(row: unknown): BufferedMessage | undefined {
  if (!row) return undefined;
  const r = row as Record<string, unknown>;
  return {
    row: r.row as number,
    messageKey: r.message_key as string,
    name: r.name as string,
    correlationKey: r.correlation_key as string,
    variables: r.variables as string,
    tenantId: (r.tenant_id as string | null) ?? null,
    messageId: (r.message_id as string | null) ?? null,
    expiresAt: r.expires_at as number,
    takenBy: (r.taken_by as string | null) ?? null,
  };
}
