import type { ElementInstanceRecord, InstanceRecord, VariableRecord } from './records.js';

/** An element instance as cached: its data kept as the JSON the table holds, so no caller can change it in place. */
export interface CachedElementInstance extends Omit<ElementInstanceRecord, 'data'> {
  data: string | null;
}

interface Entry {
  instance: InstanceRecord;
  /** undefined until loaded from the table */
  elementInstances?: Map<string, CachedElementInstance>;
  variables?: Map<string, VariableRecord>;
}

/**
 * The runtime state of recently used instances (instance row, element instances, variables),
 * written through by the runtime store. The engine is the only writer of its database file
 * (exclusive lock), so the copy can only go stale through a rolled-back transaction; the store
 * clears it then. Bounded: least recently used instances are dropped.
 */
export class InstanceCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 10_000) {}

  instance(id: string): InstanceRecord | undefined {
    const entry = this.use(id);
    return entry && { ...entry.instance };
  }

  /** A freshly created instance: known to have no element instances or variables yet. */
  created(instance: InstanceRecord): void {
    this.put(instance.id, { instance: { ...instance }, elementInstances: new Map(), variables: new Map() });
  }

  loaded(instance: InstanceRecord): void {
    if (!this.entries.has(instance.id)) this.put(instance.id, { instance: { ...instance } });
  }

  /** An ended instance is never stepped again: it leaves the cache. */
  ended(id: string): void {
    this.entries.delete(id);
  }

  elementInstances(instanceId: string): CachedElementInstance[] | undefined {
    const map = this.use(instanceId)?.elementInstances;
    return map && [...map.values()];
  }

  elementInstancesLoaded(instanceId: string, rows: CachedElementInstance[]): void {
    const entry = this.entries.get(instanceId);
    if (entry) entry.elementInstances = new Map(rows.map((row) => [row.id, row]));
  }

  elementInstanceWritten(row: CachedElementInstance): void {
    this.entries.get(row.instanceId)?.elementInstances?.set(row.id, row);
  }

  elementInstanceUpdated(instanceId: string, id: string, change: Pick<CachedElementInstance, 'state' | 'data'>): void {
    const map = this.entries.get(instanceId)?.elementInstances;
    const row = map?.get(id);
    if (row) map!.set(id, { ...row, ...change });
  }

  elementInstanceDeleted(instanceId: string, id: string): void {
    this.entries.get(instanceId)?.elementInstances?.delete(id);
  }

  variables(instanceId: string): VariableRecord[] | undefined {
    const map = this.use(instanceId)?.variables;
    return map && [...map.values()].map((v) => ({ ...v }));
  }

  variablesLoaded(instanceId: string, rows: VariableRecord[]): void {
    const entry = this.entries.get(instanceId);
    if (entry) entry.variables = new Map(rows.map((row) => [variableKey(row.scopeId, row.name), { ...row }]));
  }

  variableWritten(instanceId: string, row: VariableRecord): void {
    this.entries.get(instanceId)?.variables?.set(variableKey(row.scopeId, row.name), { ...row });
  }

  variableDeleted(instanceId: string, scopeId: string, name: string): void {
    this.entries.get(instanceId)?.variables?.delete(variableKey(scopeId, name));
  }

  /** Something rolled back: nothing cached can be trusted any more. */
  clear(): void {
    this.entries.clear();
  }

  private use(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry) {
      // most recently used goes last
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
    return entry;
  }

  private put(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

function variableKey(scopeId: string, name: string): string {
  return `${scopeId}\u0000${name}`;
}
