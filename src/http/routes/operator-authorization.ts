/**
 * The operator actions (suspend/activate, modify a running instance) are checked on the server against the authorization table, per process definition
 * key: Camunda 7's SUSPEND and UPDATE_INSTANCE on the ProcessDefinition. Checked before anything
 * changes, for every key an operation touches, so a refusal leaves the state as it was.
 */
import type { Response } from 'express';
import type { Engine } from '../../runtime/engine.js';
import { identityOf } from '../../identity/identity-service.js';
import { actor } from './route.js';

export type OperatorAction = 'suspend' | 'modify';

/** 403 unless the signed-in user may `action` on each of the definition keys (null: something of no definition). */
export function requireOnKeys(engine: Engine, res: Response, action: OperatorAction, keys: Iterable<string | null>): void {
  const identity = identityOf(engine);
  for (const key of new Set(keys)) identity.require(actor(res), action, key);
}

/** 403 unless the signed-in user may `action` on the definition of this instance. */
export function requireOnInstance(engine: Engine, res: Response, action: OperatorAction, instanceId: string): void {
  requireOnKeys(engine, res, action, [engine.instance(instanceId).definitionKey]);
}
