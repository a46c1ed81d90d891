/**
 * Deployments on several engine nodes: a deploy command takes one transaction-scoped advisory
 * lock before it reads the latest versions (and the resource hashes duplicate filtering compares),
 * so two nodes deploying the same key at once get versions 1 and 2, never 1 twice. The lock ends
 * with the transaction; the unique index on (key, version, tenant) stays the backstop (a unique
 * violation is a conflict: the command runs again and then sees the other node's version).
 */
import type { SqlDatabase, SqlStatement } from '../sql-database.js';

/** our advisory lock key for deployments (any constant no other part of the engine uses) */
const DEPLOYMENT_LOCK = 0x6d6c6302;

export class DeploymentLock {
  private statement?: SqlStatement;

  constructor(private readonly db: SqlDatabase) {}

  /** Waits for any other node's deployment to commit; held until this transaction ends. */
  take(): void {
    if (!this.db.inTransaction) return;
    (this.statement ??= this.db.prepare(`SELECT pg_advisory_xact_lock(?) AS locked`)).get(DEPLOYMENT_LOCK);
  }
}
