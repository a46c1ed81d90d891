/**
 * Optimistic locking of process instances between engine nodes on one PostgreSQL database
 * (Camunda 7's revision check, on the instance row; the command loop adds the retry Camunda lacks).
 *
 * The node's instance cache is its view of instances; every cached or read instance carries the
 * `rev` it was read at. The first time a transaction reads an instance, its rev is read again and a
 * cache entry another node moved is dropped (and reloaded). Before a command's changes are written,
 * every instance it read or changed is claimed with `UPDATE instances SET rev = rev + 1 WHERE id
 * AND rev = <read>`: zero rows means another node committed a change since the read, and the
 * command fails with a conflict (re-run later). A claimed row stays locked by this transaction
 * until it commits, so the rest of the batch works on it undisturbed and a second node waits.
 * The rev is read before anything else of the instance, so whatever is read after it is at least
 * as new: the claim fails when any of it could be newer than the rev.
 */
import type { SqlDatabase, SqlStatement } from '../sql-database.js';
import { ConcurrentModificationError } from './multi-node-conflicts.js';

export class InstanceRevisions {
  /** the rev this node's view of each instance was read at (or last claimed to) */
  private readonly known = new Map<string, number>();
  /** read or changed in the open transaction, not yet claimed */
  private readonly pending = new Set<string>();
  /** claimed (rev moved, row locked) or created by the open transaction */
  private readonly claimed = new Set<string>();
  private readonly readRev: SqlStatement;
  private readonly claim: SqlStatement;

  constructor(
    private readonly db: SqlDatabase,
    /** drops the node's cached copy of an instance another node moved */
    private readonly evict: (instanceId: string) => void,
  ) {
    this.readRev = db.prepare(`SELECT rev FROM instances WHERE id = ?`);
    this.claim = db.prepare(`UPDATE instances SET rev = rev + 1 WHERE id = ? AND rev = ?`);
  }

  /** An instance is about to be read: make the cached copy current and remember to claim it. */
  seen(instanceId: string): void {
    if (this.claimed.has(instanceId)) return;
    if (this.db.inTransaction && this.pending.has(instanceId)) return;
    const row = this.readRev.get(instanceId) as { rev: number | string } | undefined;
    const rev = row === undefined ? undefined : Number(row.rev);
    if (rev !== this.known.get(instanceId)) {
      this.evict(instanceId);
      if (rev === undefined) this.known.delete(instanceId);
      else this.known.set(instanceId, rev);
    }
    if (rev !== undefined && this.db.inTransaction) this.pending.add(instanceId);
  }

  /** A change names this instance: claim it with the command's other instances. */
  changed(instanceId: string): void {
    if (!this.claimed.has(instanceId) && this.known.has(instanceId)) this.pending.add(instanceId);
  }

  /** Created by this transaction: nobody else can have it yet. */
  created(instanceId: string): void {
    this.known.set(instanceId, 0);
    this.claimed.add(instanceId);
    this.pending.delete(instanceId);
  }

  /** Claims every instance read or changed since the last claim; throws when another node moved one. */
  claimPending(): void {
    for (const id of this.pending) {
      const rev = this.known.get(id)!;
      if (this.claim.run(id, rev).changes === 0) {
        this.pending.delete(id);
        this.known.delete(id);
        this.evict(id);
        throw new ConcurrentModificationError(id);
      }
      this.known.set(id, rev + 1);
      this.pending.delete(id);
      this.claimed.add(id);
    }
  }

  /** The transaction ended (committed or rolled back): claims end with it. */
  transactionEnded(): void {
    this.pending.clear();
    this.claimed.clear();
  }

  /** Something rolled back: the revs claimed in it never happened. */
  clear(): void {
    this.transactionEnded();
    this.known.clear();
  }
}
