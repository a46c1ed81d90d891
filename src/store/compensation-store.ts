import type { SqlDatabase } from './sql-database.js';
import type { CompensationRecord } from './records.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

const stores = new WeakMap<SqlDatabase, CompensationStore>();

/**
 * Compensation subscriptions (cf. Camunda 7's compensate event subscriptions, Zeebe's
 * compensation subscriptions): one row per completed activity that can be compensated, with the
 * snapshot of its local variables, in the order the activities completed (`seq`). A compensation
 * throw reads them; the rows go when their handler starts, when their scope is cancelled, or
 * when the instance ends.
 */
export class CompensationStore {
  private readonly s;

  /** One store per database, prepared once. */
  static for(db: SqlDatabase): CompensationStore {
    let store = stores.get(db);
    if (!store) {
      store = new CompensationStore(db);
      stores.set(db, store);
    }
    return store;
  }

  constructor(readonly db: SqlDatabase) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insert: p(`INSERT INTO compensations (id, instance_id, scope_id, element_id, element_instance_id, handler_id, variables, completed_at)
        VALUES (@id, @instanceId, @scopeId, @elementId, @elementInstanceId, @handlerId, @variables, @completedAt)`),
      delete: p(`DELETE FROM compensations WHERE id = ?`),
      deleteOfInstance: p(`DELETE FROM compensations WHERE instance_id = ?`),
      ofInstance: p(`SELECT * FROM compensations WHERE instance_id = ? ORDER BY seq`),
    };
  }

  insert(record: CompensationRecord): void {
    this.s.insert.run(record);
  }

  delete(id: string): void {
    this.s.delete.run(id);
  }

  deleteOfInstance(instanceId: string): void {
    this.s.deleteOfInstance.run(instanceId);
  }

  /** An instance's compensation subscriptions in the order their activities completed. */
  ofInstance(instanceId: string): CompensationRecord[] {
    return (this.s.ofInstance.all(instanceId) as Row[]).map(toRecord);
  }
}

function toRecord(row: Row): CompensationRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    scopeId: row.scope_id,
    elementId: row.element_id,
    elementInstanceId: row.element_instance_id,
    handlerId: row.handler_id,
    variables: row.variables,
    completedAt: row.completed_at,
  };
}
