import type { ElementInstanceRecord, InstanceRecord, JobRecord, VariableRecord } from './records.js';

/** An element instance as cached: its data kept as the JSON the table holds, so no caller can change it in place. */
export interface CachedElementInstance extends Omit<ElementInstanceRecord, 'data'> {
  data: string | null;
}

interface Entry {
  instance: InstanceRecord;
  /** undefined until loaded from the table */
  elementInstances?: Map<string, CachedElementInstance>;
  variables?: Map<string, VariableRecord>;
  /**
   * every job of the instance, when that is known: only for an instance created since the engine
   * opened (every job row of it was then written through this cache); undefined = ask the table
   */
  jobs?: Map<string, JobRecord>;
  /** false: known to hold no compensation record (created since open, none written); undefined: ask the table */
  compensations?: boolean;
  /** the size of its variables' stored text: what makes an entry big */
  bytes: number;
}

/**
 * The runtime state of recently used instances (instance row, element instances, variables, and
 * the jobs of instances started since the engine opened), written through by the runtime store. The engine is the only writer of its database file
 * (exclusive lock), so the copy can only go stale through a rolled-back transaction; the store
 * clears it then. Bounded in count and in variable bytes: least recently used instances are dropped.
 */
export class InstanceCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /** the instance of each cached job, so a job is found by its id alone */
  private readonly jobInstances = new Map<string, string>();
  /** the entry `use` moved last: already the most recently used */
  private lastUsed: string | undefined;

  constructor(
    private readonly capacity = 10_000,
    private readonly maxBytes = 64 * 1024 * 1024,
    /**
     * false with several engine nodes (PostgreSQL): other nodes lock, fail and delete jobs without
     * moving the instance's revision, so job rows are always read from the table there
     */
    private readonly tracksJobs = true,
  ) {}

  instance(id: string): InstanceRecord | undefined {
    const entry = this.use(id);
    return entry && copyOf(entry.instance);
  }

  /** A freshly created instance: known to have no element instances or variables yet. */
  created(instance: InstanceRecord): void {
    this.put(instance.id, { instance: copyOf(instance), elementInstances: new Map(), variables: new Map(), jobs: this.tracksJobs ? new Map() : undefined, compensations: false, bytes: 0 });
  }

  loaded(instance: InstanceRecord): void {
    if (!this.entries.has(instance.id)) this.put(instance.id, { instance: copyOf(instance), bytes: 0 });
  }

  /** An ended instance is never stepped again: it leaves the cache. */
  ended(id: string): void {
    this.drop(id);
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
    if (row) map!.set(id, { id: row.id, instanceId: row.instanceId, parentId: row.parentId, elementId: row.elementId, state: change.state, data: change.data, startedAt: row.startedAt });
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
    if (!entry) return;
    entry.variables = new Map(rows.map((row) => [variableKey(row.scopeId, row.name), { ...row }]));
    this.resize(entry, rows.reduce((sum, row) => sum + sizeOf(row), 0));
  }

  variableWritten(instanceId: string, row: VariableRecord): void {
    const entry = this.entries.get(instanceId);
    const map = entry?.variables;
    if (!map) return;
    const key = variableKey(row.scopeId, row.name);
    const previous = map.get(key);
    map.set(key, { ...row });
    this.resize(entry, entry.bytes - (previous ? sizeOf(previous) : 0) + sizeOf(row));
  }

  variableDeleted(instanceId: string, scopeId: string, name: string): void {
    const entry = this.entries.get(instanceId);
    const key = variableKey(scopeId, name);
    const previous = entry?.variables?.get(key);
    if (!previous) return;
    entry!.variables!.delete(key);
    this.resize(entry!, entry!.bytes - sizeOf(previous));
  }

  /** A cached job (a copy), or undefined when the table must be asked. */
  job(id: string): JobRecord | undefined {
    const instanceId = this.jobInstances.get(id);
    const job = instanceId === undefined ? undefined : this.entries.get(instanceId)?.jobs?.get(id);
    return job && copyOfJob(job);
  }

  /** True only when the instance is known to hold no job at all. */
  holdsNoJobs(instanceId: string): boolean {
    return this.entries.get(instanceId)?.jobs?.size === 0;
  }

  /** True only when the instance is known to hold no compensation record. */
  holdsNoCompensations(instanceId: string): boolean {
    return this.entries.get(instanceId)?.compensations === false;
  }

  compensationWritten(instanceId: string): void {
    const entry = this.entries.get(instanceId);
    if (entry) entry.compensations = true;
  }

  jobWritten(job: JobRecord): void {
    if (job.instanceId === null) return;
    const jobs = this.entries.get(job.instanceId)?.jobs;
    if (!jobs) return;
    jobs.set(job.id, copyOfJob(job));
    this.jobInstances.set(job.id, job.instanceId);
  }

  jobUpdated(id: string, change: Partial<JobRecord>): void {
    const instanceId = this.jobInstances.get(id);
    const jobs = instanceId === undefined ? undefined : this.entries.get(instanceId)?.jobs;
    const job = jobs?.get(id);
    if (job) jobs!.set(id, { ...job, ...change });
  }

  jobDeleted(id: string): void {
    const instanceId = this.jobInstances.get(id);
    if (instanceId === undefined) return;
    this.jobInstances.delete(id);
    this.entries.get(instanceId)?.jobs?.delete(id);
  }

  /** The jobs of an element instance were deleted (`engineJobsOnly`: all but its handler work item). */
  jobsOfElementInstanceDeleted(instanceId: string, elementInstanceId: string, engineJobsOnly: boolean): void {
    const jobs = this.entries.get(instanceId)?.jobs;
    if (!jobs) return;
    for (const job of [...jobs.values()]) {
      if (job.elementInstanceId === elementInstanceId && !(engineJobsOnly && job.kind === 'task')) this.jobDeleted(job.id);
    }
  }

  jobsOfInstanceDeleted(instanceId: string): void {
    const jobs = this.entries.get(instanceId)?.jobs;
    if (!jobs) return;
    for (const id of jobs.keys()) this.jobInstances.delete(id);
    jobs.clear();
  }

  /** Something rolled back: nothing cached can be trusted any more. */
  clear(): void {
    this.entries.clear();
    this.jobInstances.clear();
    this.bytes = 0;
    this.lastUsed = undefined;
  }

  private resize(entry: Entry, bytes: number): void {
    this.bytes += bytes - entry.bytes;
    entry.bytes = bytes;
    this.shrink();
  }

  private drop(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    if (id === this.lastUsed) this.lastUsed = undefined;
    this.bytes -= entry.bytes;
    if (entry.jobs) for (const jobId of entry.jobs.keys()) this.jobInstances.delete(jobId);
  }

  /** Least recently used first, until within both bounds (the newest entry always stays). */
  private shrink(): void {
    while ((this.entries.size > this.capacity || this.bytes > this.maxBytes) && this.entries.size > 1) {
      this.drop(this.entries.keys().next().value!);
    }
  }

  private use(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry && id !== this.lastUsed) {
      // most recently used goes last (a step reads its instance several times in a row: moved once)
      this.entries.delete(id);
      this.entries.set(id, entry);
      this.lastUsed = id;
    }
    return entry;
  }

  private put(id: string, entry: Entry): void {
    this.drop(id);
    this.entries.set(id, entry);
    this.lastUsed = id;
    this.bytes += entry.bytes;
    this.shrink();
  }
}

/** Copies spelled out field by field: cheaper than a spread, and every copy has one shape. */
function copyOf(instance: InstanceRecord): InstanceRecord {
  const copy: InstanceRecord = {
    id: instance.id,
    definitionId: instance.definitionId,
    definitionKey: instance.definitionKey,
    businessKey: instance.businessKey,
    state: instance.state,
    parentInstanceId: instance.parentInstanceId,
    parentElementInstanceId: instance.parentElementInstanceId,
    startedAt: instance.startedAt,
    endedAt: instance.endedAt,
    startElementId: instance.startElementId,
    endElementId: instance.endElementId,
  };
  if (instance.suspended) copy.suspended = true;
  return copy;
}

function copyOfJob(job: JobRecord): JobRecord {
  const copy: JobRecord = {
    id: job.id,
    kind: job.kind,
    instanceId: job.instanceId,
    elementInstanceId: job.elementInstanceId,
    elementId: job.elementId,
    definitionId: job.definitionId,
    definitionKey: job.definitionKey,
    topic: job.topic,
    dueAt: job.dueAt,
    lockOwner: job.lockOwner,
    lockExpiresAt: job.lockExpiresAt,
    retries: job.retries,
    attempts: job.attempts,
    priority: job.priority,
    errorMessage: job.errorMessage,
    errorDetails: job.errorDetails,
    payload: job.payload,
    createdAt: job.createdAt,
  };
  if (job.suspended) copy.suspended = true;
  return copy;
}

function sizeOf(row: VariableRecord): number {
  return (row.value?.length ?? 0) + row.name.length;
}

function variableKey(scopeId: string, name: string): string {
  return `${scopeId}\u0000${name}`;
}
