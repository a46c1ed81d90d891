import type Database from 'better-sqlite3';
import { decodeValue, type Variables } from '../runtime/variables.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

/**
 * Read-only queries for the API and the REST layer. They read committed state only: the engine
 * runs every write batch synchronously, so a query never sees half a step.
 */
export class QueryStore {
  private readonly s;

  constructor(readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      scopeVariables: p(`SELECT name, type, value FROM variables WHERE scope_id = ?`),
      parentOf: p(`SELECT parent_id FROM element_instances WHERE id = ?`),
    };
  }

  /** Variables in one scope (a process instance id for the process level, else an element instance id). */
  scopeVariables(scopeId: string): Variables {
    const result: Variables = Object.create(null);
    for (const row of this.s.scopeVariables.all(scopeId) as Row[]) result[row.name] = decodeValue(row.type, row.value);
    return result;
  }

  processVariables(instanceId: string): Variables {
    return this.scopeVariables(instanceId);
  }

  /** Every variable visible from an element instance, inner scopes shadowing outer ones. */
  visibleVariables(instanceId: string, elementInstanceId: string | null): Variables {
    const chain: string[] = [];
    let current: string | null = elementInstanceId;
    while (current !== null && chain.length < 1000) {
      chain.push(current);
      current = ((this.s.parentOf.get(current) as Row)?.parent_id as string | null) ?? null;
    }
    chain.push(instanceId);
    const result: Variables = Object.create(null);
    for (let i = chain.length - 1; i >= 0; i--) Object.assign(result, this.scopeVariables(chain[i]!));
    return result;
  }
}
