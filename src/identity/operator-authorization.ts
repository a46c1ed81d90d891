/**
 * The operator actions (suspend/activate, modify a running instance, resolve its incidents, set
 * job retries, run a job now, cancel an instance) are checked on the server against the authorization table, per
 * process definition key: Camunda 7's SUSPEND / SUSPEND_INSTANCE, UPDATE_INSTANCE and
 * DELETE_INSTANCE on the ProcessDefinition. Callers check before anything changes, for every key an operation touches,
 * so a refusal leaves the state as it was. Shared by /engine-rest, /v2 and the cockpit API.
 */
import type { SqlDatabase } from '../store/sql-database.js';
import type { DefinitionRecord, InstanceRecord } from '../store/records.js';
import { identityOf } from './identity-service.js';

export type OperatorAction = 'suspend' | 'modify' | 'cancel';

/** What these checks need of the engine: its database (for the identity service) and lookups. */
export interface OperatorEngine {
  db: SqlDatabase;
  clock: { now(): number };
  instance(id: string): InstanceRecord;
  definition(id: string): DefinitionRecord;
}

/** Camunda's ProcessDefinition permission that covers the definition's instances. */
const INSTANCE_PERMISSION: Record<OperatorAction, string> = { suspend: 'SUSPEND_INSTANCE', modify: 'UPDATE_INSTANCE', cancel: 'DELETE_INSTANCE' };

/** 403 unless `userId` may `action` on each of the definition keys (`permissionName`: what the refusal names). */
export function requireOnKeys(engine: OperatorEngine, userId: string | null, action: OperatorAction, keys: Iterable<string>, permissionName?: string): void {
  const identity = identityOf(engine);
  for (const key of new Set(keys)) identity.require(userId, action, key, permissionName);
}

/** 403 unless `userId` may `action` on the instances of this instance's definition. */
export function requireOnInstance(engine: OperatorEngine, userId: string | null, action: OperatorAction, instanceId: string): void {
  requireOnKeys(engine, userId, action, [engine.instance(instanceId).definitionKey], INSTANCE_PERMISSION[action]);
}

/** 403 unless `userId` may `action` on the instances of the definition (by id) something belongs to; without one, on no particular key. */
export function requireOnDefinitionOf(engine: OperatorEngine, userId: string | null, action: OperatorAction, definitionId: string | null): void {
  if (definitionId === null) identityOf(engine).require(userId, action, null, INSTANCE_PERMISSION[action]);
  else requireOnKeys(engine, userId, action, [engine.definition(definitionId).key], INSTANCE_PERMISSION[action]);
}
