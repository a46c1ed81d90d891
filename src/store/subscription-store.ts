import { dialectOf, type SqlDatabase } from './sql-database.js';
import { MessageNameLock } from './postgres/multi-node-messages.js';
import type { SubscriptionRecord } from './records.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

const stores = new WeakMap<SqlDatabase, SubscriptionStore>();

/**
 * Message and signal subscriptions (events waiting for the outside world) and the few job and
 * variable look-ups that event plumbing needs. A subscription with an instance belongs to a
 * waiting element instance; one without belongs to a start event of a deployed definition.
 */
export class SubscriptionStore {
  private readonly s;

  /** One store per database, prepared once (the step services know the database, not this store). */
  static for(db: SqlDatabase): SubscriptionStore {
    let store = stores.get(db);
    if (!store) {
      store = new SubscriptionStore(db);
      stores.set(db, store);
    }
    return store;
  }

  /** PostgreSQL (several nodes): message publication and subscription run one after the other per name */
  private readonly messageLock: MessageNameLock | undefined;

  constructor(readonly db: SqlDatabase) {
    this.messageLock = dialectOf(db) === 'postgres' ? new MessageNameLock(db) : undefined;
    const p = (sql: string) => db.prepare(sql);
    const otherVersions = `SELECT id FROM definitions WHERE key = ? AND ifnull(tenant_id, '') = ? AND id != ?`;
    this.s = {
      insert: p(`INSERT INTO subscriptions (id, kind, name, correlation_key, instance_id, element_instance_id, element_id, definition_id,
        business_key, tenant_id, interrupting, created_at)
        VALUES (@id, @kind, @name, @correlationKey, @instanceId, @elementInstanceId, @elementId, @definitionId,
        @businessKey, @tenantId, @interrupting, @createdAt)`),
      get: p(`SELECT * FROM subscriptions WHERE id = ?`),
      delete: p(`DELETE FROM subscriptions WHERE id = ?`),
      deleteOfElementInstance: p(`DELETE FROM subscriptions WHERE element_instance_id = ?`),
      deleteOfInstance: p(`DELETE FROM subscriptions WHERE instance_id = ?`),
      deleteOfScopeElement: p(`DELETE FROM subscriptions WHERE instance_id = ? AND ifnull(element_instance_id, '') = ? AND element_id = ?`),
      // a suspended instance receives no message or signal, a suspended definition starts on none (Camunda)
      waiting: p(`SELECT * FROM subscriptions s WHERE kind = ? AND name = ? AND instance_id IS NOT NULL AND seq <= ?
        AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = s.instance_id AND i.suspended = 1) ORDER BY seq`),
      starts: p(`SELECT * FROM subscriptions s WHERE kind = ? AND name = ? AND instance_id IS NULL AND seq <= ?
        AND NOT EXISTS (SELECT 1 FROM definitions d WHERE d.id = s.definition_id AND d.suspended = 1) ORDER BY seq`),
      ofInstance: p(`SELECT * FROM subscriptions WHERE instance_id = ? ORDER BY seq`),
      startsOfDefinition: p(`SELECT * FROM subscriptions WHERE definition_id = ? AND instance_id IS NULL ORDER BY seq`),
      maxSeq: p(`SELECT ifnull(max(seq), 0) AS seq FROM subscriptions`),
      deleteStartsOfOtherVersions: p(`DELETE FROM subscriptions WHERE instance_id IS NULL AND definition_id IN (${otherVersions})`),
      startTimersOfOtherVersions: p(`SELECT id FROM jobs WHERE instance_id IS NULL AND kind = 'timer' AND definition_id IN (${otherVersions}) ORDER BY rowid`),
      scopeTimerJobs: p(`SELECT id FROM jobs WHERE instance_id = ? AND ifnull(element_instance_id, '') = ? AND element_id = ? AND kind = 'timer' ORDER BY rowid`),
      engineJobsOfElementInstance: p(`SELECT id FROM jobs WHERE instance_id = ? AND element_instance_id = ? AND kind != 'task' ORDER BY rowid`),
      variable: p(`SELECT type, value FROM variables WHERE scope_id = ? AND name = ?`),
      elementIdOf: p(`SELECT element_id FROM element_instances WHERE id = ?`),
    };
  }

  insert(sub: SubscriptionRecord): void {
    this.s.insert.run({ ...sub, interrupting: sub.interrupting ? 1 : 0 });
  }

  get(id: string): SubscriptionRecord | undefined {
    const row: Row = this.s.get.get(id);
    return row && toSubscription(row);
  }

  delete(id: string): void {
    this.s.delete.run(id);
  }

  deleteOfElementInstance(elementInstanceId: string): void {
    this.s.deleteOfElementInstance.run(elementInstanceId);
  }

  deleteOfInstance(instanceId: string): void {
    this.s.deleteOfInstance.run(instanceId);
  }

  /** Subscriptions of one event element armed on a scope (null = the process level). */
  deleteOfScopeElement(instanceId: string, scopeElementInstanceId: string | null, elementId: string): void {
    this.s.deleteOfScopeElement.run(instanceId, scopeElementInstanceId ?? '', elementId);
  }

  /** Subscriptions of waiting element instances, oldest first, created no later than `maxSeq`. */
  waiting(kind: 'message' | 'signal', name: string, maxSeq = Number.MAX_SAFE_INTEGER): SubscriptionRecord[] {
    if (kind === 'message') this.messageLock?.take(name);
    return (this.s.waiting.all(kind, name, maxSeq) as Row[]).map(toSubscription);
  }

  /** Start-event subscriptions of deployed definitions. */
  starts(kind: 'message' | 'signal', name: string, maxSeq = Number.MAX_SAFE_INTEGER): SubscriptionRecord[] {
    if (kind === 'message') this.messageLock?.take(name);
    return (this.s.starts.all(kind, name, maxSeq) as Row[]).map(toSubscription);
  }

  ofInstance(instanceId: string): SubscriptionRecord[] {
    return (this.s.ofInstance.all(instanceId) as Row[]).map(toSubscription);
  }

  startsOfDefinition(definitionId: string): SubscriptionRecord[] {
    return (this.s.startsOfDefinition.all(definitionId) as Row[]).map(toSubscription);
  }

  /** The newest subscription's sequence number (0 when there is none). */
  maxSeq(): number {
    return (this.s.maxSeq.get() as Row).seq as number;
  }

  /** A new version takes over: start subscriptions of the other versions of `key` go. */
  deleteStartsOfOtherVersions(key: string, tenantId: string | null, keepDefinitionId: string): void {
    this.s.deleteStartsOfOtherVersions.run(key, tenantId ?? '', keepDefinitionId);
  }

  /** Timer-start jobs (no instance) of the other versions of `key`. */
  startTimersOfOtherVersions(key: string, tenantId: string | null, keepDefinitionId: string): string[] {
    return (this.s.startTimersOfOtherVersions.all(key, tenantId ?? '', keepDefinitionId) as Row[]).map((row) => row.id);
  }

  /** Timer jobs of one event element armed on a scope (null = the process level). */
  scopeTimerJobs(instanceId: string, scopeElementInstanceId: string | null, elementId: string): string[] {
    return (this.s.scopeTimerJobs.all(instanceId, scopeElementInstanceId ?? '', elementId) as Row[]).map((row) => row.id);
  }

  /** Timers and continuations (not handler work) held by an element instance. */
  engineJobsOfElementInstance(instanceId: string, elementInstanceId: string): string[] {
    return (this.s.engineJobsOfElementInstance.all(instanceId, elementInstanceId) as Row[]).map((row) => row.id);
  }

  /** A committed variable (type, encoded value) of one scope, for correlation. */
  variable(scopeId: string, name: string): { type: string; value: string | null } | undefined {
    return this.s.variable.get(scopeId, name) as { type: string; value: string | null } | undefined;
  }

  elementIdOf(elementInstanceId: string): string | undefined {
    return (this.s.elementIdOf.get(elementInstanceId) as Row)?.element_id;
  }
}

export function toSubscription(row: Row): SubscriptionRecord {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    correlationKey: row.correlation_key,
    instanceId: row.instance_id,
    elementInstanceId: row.element_instance_id,
    elementId: row.element_id,
    definitionId: row.definition_id,
    businessKey: row.business_key,
    tenantId: row.tenant_id,
    interrupting: row.interrupting === 1,
    createdAt: row.created_at,
    seq: row.seq,
  };
}
