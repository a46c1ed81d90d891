/**
 * Messages on several engine nodes: publishing a message (correlate, else buffer it) and opening
 * a subscription (take a buffered message, else wait) each read what the other writes. Under
 * PostgreSQL's read-committed isolation two nodes doing them at once would each miss the other's
 * uncommitted row: the message buffered and the subscription waiting, forever. Both take one
 * transaction-scoped advisory lock per message name before they read, so they run one after the
 * other, as on one node (two subscriptions offered one buffered message likewise: once).
 */
import type { SqlDatabase, SqlStatement } from '../sql-database.js';

export class MessageNameLock {
  private statement?: SqlStatement;

  constructor(private readonly db: SqlDatabase) {}

  /** Held until the transaction ends; outside one (a read for a REST answer) nothing is locked. */
  take(name: string): void {
    if (!this.db.inTransaction) return;
    (this.statement ??= this.db.prepare(`SELECT pg_advisory_xact_lock(hashtext(?)) AS locked`)).get(`mlc-message:${name}`);
  }
}
