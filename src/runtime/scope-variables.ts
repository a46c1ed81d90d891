import type { ChangeSet } from '../store/change-set.js';
import type { VariableRecord } from '../store/records.js';
import type { VariableEventName } from '../bpmn/graph.js';
import { decodeValue, encodeValue, type EncodedValue, type Variables } from './variables.js';

/**
 * The variables of one instance while a step runs, by scope (the instance id for the process
 * level, an element instance id below it). Writes are remembered and appended to the change set
 * once, at the end of the step, however often a variable changed meanwhile.
 */
export class ScopeVariables {
  private readonly scopes = new Map<string, Map<string, unknown>>();
  /** names changed by scope since the last appendChanges (made on first use: many steps change none) */
  private dirty: Map<string, Set<string>> | undefined;
  /** variables that have a row (loaded, or written by this step): only those need a DELETE */
  private readonly stored = new Set<string>();
  /**
   * Told of every create, update and delete (not of loading, nor of a scope's variables going
   * with the scope). Set only for processes with conditional events, so others pay one check.
   */
  onChange: ((scopeId: string, name: string, event: VariableEventName) => void) | undefined;

  constructor(
    private readonly instanceId: string,
    /** the enclosing scope of an element-instance scope (null or undefined: the process level) */
    private readonly parentOf: (scopeId: string) => string | null | undefined,
  ) {}

  load(rows: readonly VariableRecord[]): void {
    for (const row of rows) {
      this.scope(row.scopeId).set(row.name, decodeValue(row.type, row.value));
      this.stored.add(key(row.scopeId, row.name));
    }
  }

  /** Scope ids from `scopeId` outwards to the process level. */
  chain(scopeId: string | null): string[] {
    const chain: string[] = [];
    let current = scopeId;
    while (current !== null) {
      chain.push(current);
      current = this.parentOf(current) ?? null;
    }
    chain.push(this.instanceId);
    return chain;
  }

  /** Every variable visible from `scopeId`, inner scopes shadowing outer ones. */
  visible(scopeId: string | null): Variables {
    const chain = this.chain(scopeId);
    const result: Variables = Object.create(null);
    for (let i = chain.length - 1; i >= 0; i--) {
      const map = this.scopes.get(chain[i]!);
      if (map) for (const [name, value] of map) result[name] = value;
    }
    return result;
  }

  /** The variables set in exactly this scope (a snapshot: later changes do not show in it). */
  locals(scopeId: string): Array<[string, unknown]> {
    return [...(this.scopes.get(scopeId) ?? [])];
  }

  /** Sets a variable in exactly this scope; returns its stored form (checked now, so a bad value fails the element, not the commit). */
  setLocal(scopeId: string, name: string, value: unknown): EncodedValue {
    const encoded = encodeValue(name, value);
    const scope = this.scope(scopeId);
    const existed = this.onChange !== undefined && scope.has(name);
    scope.set(name, value);
    this.markDirty(scopeId, name);
    this.onChange?.(scopeId, name, existed ? 'update' : 'create');
    return encoded;
  }

  /** Camunda's setVariable: the nearest scope that has the variable, else the process level. */
  owningScope(fromScope: string | null, name: string): string {
    for (const scopeId of this.chain(fromScope)) if (this.scopes.get(scopeId)?.has(name)) return scopeId;
    return this.instanceId;
  }

  delete(scopeId: string, name: string): void {
    if (!this.scopes.get(scopeId)?.delete(name)) return;
    this.markDirty(scopeId, name);
    this.onChange?.(scopeId, name, 'delete');
  }

  /** A scope ended: its variables go. */
  dropScope(scopeId: string): void {
    const map = this.scopes.get(scopeId);
    if (!map) return;
    for (const name of map.keys()) this.markDirty(scopeId, name);
    map.clear();
  }

  /** Appends what changed since the last call. */
  appendChanges(changes: ChangeSet): void {
    if (!this.dirty) return;
    for (const [scopeId, names] of this.dirty) {
      const map = this.scopes.get(scopeId);
      for (const name of names) {
        const k = key(scopeId, name);
        if (map?.has(name)) {
          const encoded = encodeValue(name, map.get(name));
          changes.add({ kind: 'upsertVariable', instanceId: this.instanceId, scopeId, name, type: encoded.type, value: encoded.text });
          this.stored.add(k);
        } else if (this.stored.delete(k)) {
          changes.add({ kind: 'deleteVariable', instanceId: this.instanceId, scopeId, name });
        }
      }
    }
    this.dirty = undefined;
  }

  private scope(scopeId: string): Map<string, unknown> {
    let map = this.scopes.get(scopeId);
    if (!map) {
      map = new Map();
      this.scopes.set(scopeId, map);
    }
    return map;
  }

  private markDirty(scopeId: string, name: string): void {
    const dirty = (this.dirty ??= new Map());
    let names = dirty.get(scopeId);
    if (!names) {
      names = new Set();
      dirty.set(scopeId, names);
    }
    names.add(name);
  }
}

function key(scopeId: string, name: string): string {
  return `${scopeId}\u0000${name}`;
}
