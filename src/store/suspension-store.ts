import type { SqlDatabase } from './sql-database.js';

const stores = new WeakMap<SqlDatabase, SuspensionStore>();

/**
 * Camunda's suspension state, written to the instance or definition row and copied onto the
 * jobs and tasks they own, so that the scheduler, fetch-and-lock and task queries filter on
 * their own table. Runs inside the caller's transaction (a command's change set).
 */
export class SuspensionStore {
  private readonly s;

  static for(db: SqlDatabase): SuspensionStore {
    let store = stores.get(db);
    if (!store) {
      store = new SuspensionStore(db);
      stores.set(db, store);
    }
    return store;
  }

  constructor(readonly db: SqlDatabase) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      instance: p(`UPDATE instances SET suspended = ? WHERE id = ?`),
      jobsOfInstance: p(`UPDATE jobs SET suspended = ? WHERE instance_id = ?`),
      tasksOfInstance: p(`UPDATE tasks SET suspended = ? WHERE instance_id = ?`),
      // an in-process handler whose outcome was refused while suspended runs again once active
      releaseLocks: p(`UPDATE jobs SET lock_owner = NULL, lock_expires_at = NULL WHERE instance_id = ? AND lock_owner = ?`),
      definition: p(`UPDATE definitions SET suspended = ? WHERE id = ?`),
      // timer start events of the definition (no instance yet)
      startJobsOfDefinition: p(`UPDATE jobs SET suspended = ? WHERE definition_id = ? AND instance_id IS NULL`),
    };
  }

  setInstance(instanceId: string, suspended: boolean, releaseLocksOf: string | null): void {
    const flag = suspended ? 1 : 0;
    this.s.instance.run(flag, instanceId);
    this.s.jobsOfInstance.run(flag, instanceId);
    this.s.tasksOfInstance.run(flag, instanceId);
    if (releaseLocksOf !== null) this.s.releaseLocks.run(instanceId, releaseLocksOf);
  }

  setDefinition(definitionId: string, suspended: boolean): void {
    const flag = suspended ? 1 : 0;
    this.s.definition.run(flag, definitionId);
    this.s.startJobsOfDefinition.run(flag, definitionId);
  }
}
