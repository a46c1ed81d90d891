import type { Engine } from './engine.js';
import type { JobRecord } from '../store/records.js';
import type { Variables } from './variables.js';
import { BadRequestError, ConflictError } from './errors.js';
import { extendLock, getJob, unlockJob } from './commands/job-commands.js';
import { secondsSince } from './engine-observer.js';
import { dialectOf } from '../store/sql-database.js';

/** Several nodes (PostgreSQL): a long poll looks again at least this often, in case a wake-up from another node was lost. */
const MULTI_NODE_RECHECK = 2000;

/** One topic of a fetch-and-lock request (Camunda's FetchExternalTaskTopicDto). */
export interface FetchTopic {
  topicName: string;
  /** ms the lock lasts */
  lockDuration: number;
  /** names of the variables to send; null/absent = all visible ones */
  variables?: string[] | null;
  /** only the variables local to the task's element */
  localVariables?: boolean | null;
  businessKey?: string | null;
  processDefinitionId?: string | null;
  processDefinitionIdIn?: string[] | null;
  processDefinitionKey?: string | null;
  processDefinitionKeyIn?: string[] | null;
}

export interface FetchRequest {
  workerId: string;
  maxTasks: number;
  usePriority?: boolean | null;
  topics: FetchTopic[];
  /** long polling: ms to wait for work when none is available now (0 = answer at once) */
  asyncResponseTimeout?: number | null;
}

/** A work item locked for a worker, with what the worker asked to see. */
export interface LockedTask {
  job: JobRecord;
  variables: Variables;
  businessKey: string | null;
  versionTag: string | null;
}

export interface FailureRequest {
  errorMessage?: string | null;
  errorDetails?: string | null;
  /** absolute number of retries left (Camunda semantics); 0 raises an incident */
  retries?: number | null;
  /** ms before the task can be fetched again */
  retryTimeout?: number | null;
}

export interface ExternalTaskOptions {
  /** upper bound for asyncResponseTimeout (default 5 minutes) */
  maxWait?: number;
}

interface Waiter {
  topics: Set<string>;
  wake(): void;
  cancel(): void;
}

/**
 * Remote workers (Camunda's external tasks) on the engine's job queue. Every fetch locks its
 * tasks in ONE engine write, so concurrent workers never receive the same task; a worker that
 * lets its lock expire loses the task and its late answer is refused by the job commands.
 * Long polling waits for the engine's `jobAvailable` event (and for the moment a retry becomes
 * due or a lock expires), answering as soon as work arrives.
 */
export class ExternalTaskService {
  private readonly waiters = new Set<Waiter>();
  private readonly maxWait: number;
  private readonly onJobAvailable = (topic: string) => {
    for (const waiter of this.waiters) if (waiter.topics.has(topic)) waiter.wake();
  };
  /** another engine node wrote jobs without naming their topics (freed, retried): every poll looks again */
  private readonly onRemoteJobs = () => {
    for (const waiter of this.waiters) waiter.wake();
  };
  private readonly onClose = () => this.close();
  private readonly recheckEvery: number;
  private closed = false;

  constructor(
    private readonly engine: Engine,
    options: ExternalTaskOptions = {},
  ) {
    this.maxWait = options.maxWait ?? 5 * 60_000;
    this.recheckEvery = dialectOf(engine.db) === 'postgres' ? MULTI_NODE_RECHECK : Infinity;
    engine.on('jobAvailable', this.onJobAvailable);
    engine.on('remoteJobs', this.onRemoteJobs);
    engine.once('close', this.onClose);
  }

  /** Locks up to maxTasks available tasks now, in one write. */
  fetchAndLockNow(request: FetchRequest): Promise<LockedTask[]> {
    const { engine } = this;
    if (request.maxTasks <= 0 || request.topics.length === 0) return Promise.resolve([]);
    const started = performance.now();
    return engine.submit(() => {
      const now = engine.clock.now();
      const candidates: Array<{ job: JobRecord; topic: FetchTopic }> = [];
      const seen = new Set<string>();
      for (const topic of request.topics) {
        if (!request.usePriority && candidates.length >= request.maxTasks) break;
        const limit = request.usePriority ? request.maxTasks : request.maxTasks - candidates.length;
        const jobs = engine.queries.lockCandidates({
          topic: topic.topicName,
          now,
          limit: limit + 16,
          usePriority: Boolean(request.usePriority),
          businessKey: topic.businessKey ?? undefined,
          processDefinitionId: topic.processDefinitionId ?? undefined,
          processDefinitionKey: topic.processDefinitionKey ?? undefined,
          processDefinitionIds: topic.processDefinitionIdIn ?? undefined,
          processDefinitionKeys: topic.processDefinitionKeyIn ?? undefined,
        });
        let taken = 0;
        for (const job of jobs) {
          if (taken >= limit || seen.has(job.id)) continue;
          seen.add(job.id);
          candidates.push({ job, topic });
          taken++;
        }
      }
      if (request.usePriority) candidates.sort((a, b) => b.job.priority - a.job.priority);
      const locked: LockedTask[] = [];
      for (const { job, topic } of candidates) {
        if (locked.length >= request.maxTasks) break;
        const expiresAt = now + topic.lockDuration;
        // lockCandidates read, in this same transaction, only jobs that are free now
        engine.core.changes.add({ kind: 'lockJob', id: job.id, owner: request.workerId, expiresAt });
        locked.push({
          job: { ...job, lockOwner: request.workerId, lockExpiresAt: expiresAt },
          variables: this.variablesFor(job, topic),
          businessKey: engine.queries.businessKeyOf(job.instanceId!),
          versionTag: job.definitionId ? engine.queries.versionTagOf(job.definitionId) : null,
        });
      }
      return locked;
    }).then((locked) => {
      engine.observers.externalTasksFetched(locked.length, secondsSince(started));
      return locked;
    });
  }

  /**
   * Fetch and lock with long polling: when nothing is available, waits up to
   * asyncResponseTimeout (capped) for work on the requested topics. `signal` aborts the wait
   * (the client went away); tasks locked for a client that left are unlocked again.
   */
  async fetchAndLock(request: FetchRequest, signal?: AbortSignal): Promise<LockedTask[]> {
    const first = await this.fetchAndLockNow(request);
    const timeout = Math.min(request.asyncResponseTimeout ?? 0, this.maxWait);
    if (first.length > 0 || timeout <= 0 || request.maxTasks <= 0 || this.closed) return this.deliver(first, signal);
    if (signal?.aborted) return [];
    const deadline = Date.now() + timeout;
    return new Promise<LockedTask[]>((resolve, reject) => {
      let settled = false;
      let running = false;
      let again = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (tasks: LockedTask[] | Error) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        if (tasks instanceof Error) reject(tasks);
        else resolve(tasks);
      };
      const arm = () => {
        if (settled) return;
        if (timer) clearTimeout(timer);
        const remaining = deadline - Date.now();
        if (remaining <= 0) return finish([]);
        // a retry becoming due or a lock expiring raises no event: look again at that moment
        let delay = Math.min(remaining, this.recheckEvery);
        const now = this.engine.clock.now();
        for (const topic of waiter.topics) {
          const next = this.engine.queries.nextTopicDue(topic);
          if (next !== null && next > now) delay = Math.min(delay, next - now + 5);
        }
        timer = setTimeout(attempt, Math.max(10, delay));
      };
      const attempt = () => {
        if (settled) return;
        if (running) {
          again = true;
          return;
        }
        running = true;
        this.fetchAndLockNow(request).then(
          (tasks) => {
            running = false;
            if (settled) {
              void this.release(tasks);
              return;
            }
            if (tasks.length > 0) return finish(tasks);
            if (again) {
              again = false;
              return attempt();
            }
            arm();
          },
          (error: unknown) => {
            running = false;
            if (this.closed) return finish([]);
            finish(error instanceof Error ? error : new Error(String(error)));
          },
        );
      };
      const onAbort = () => finish([]);
      const waiter: Waiter = {
        topics: new Set(request.topics.map((t) => t.topicName)),
        wake: attempt,
        cancel: () => finish([]),
      };
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      // work may have arrived between the first fetch and registering the waiter
      attempt();
    }).then((tasks) => this.deliver(tasks, signal));
  }

  /** Number of fetches waiting for work (long polling). */
  get waiting(): number {
    return this.waiters.size;
  }

  complete(taskId: string, workerId: string, variables: Variables = {}, localVariables: Variables = {}): Promise<void> {
    // the engine has no element-local result variables yet: local ones are set like the others
    return this.engine.completeExternalTask(taskId, workerId, { ...localVariables, ...variables });
  }

  failure(taskId: string, workerId: string, failure: FailureRequest): Promise<void> {
    return this.engine.failExternalTask(taskId, workerId, {
      message: failure.errorMessage ?? '',
      details: failure.errorDetails ?? null,
      retries: failure.retries ?? undefined,
      retryTimeout: failure.retryTimeout ?? undefined,
    });
  }

  bpmnError(taskId: string, workerId: string, errorCode: string, errorMessage?: string | null, variables?: Variables): Promise<void> {
    return this.engine.bpmnErrorExternalTask(taskId, workerId, errorCode, errorMessage ?? '', variables && Object.keys(variables).length ? variables : undefined);
  }

  extendLock(taskId: string, workerId: string, newDuration: number): Promise<void> {
    if (!Number.isInteger(newDuration) || newDuration <= 0) return Promise.reject(new BadRequestError('newDuration must be a positive number of ms'));
    return this.engine.submit(() => extendLock(this.engine.core, taskId, workerId, newDuration));
  }

  /** Locks one task for a worker (Camunda's `POST /external-task/{id}/lock`). */
  lock(taskId: string, workerId: string, lockDuration: number): Promise<void> {
    return this.engine.submit(() => {
      const job = getJob(this.engine.core, taskId);
      if (job.kind !== 'task') throw new BadRequestError(`Job '${taskId}' is not an external task`);
      const now = this.engine.clock.now();
      const lockedByOther = job.lockOwner !== null && job.lockOwner !== workerId && job.lockExpiresAt !== null && job.lockExpiresAt > now;
      if (lockedByOther) throw new ConflictError(`External task '${taskId}' is locked by worker '${job.lockOwner}'`);
      if (job.retries <= 0) throw new BadRequestError(`External task '${taskId}' has no retries left (it has an incident)`);
      this.engine.core.changes.add({ kind: 'lockJob', id: job.id, owner: workerId, expiresAt: now + lockDuration });
    });
  }

  unlock(taskId: string): Promise<void> {
    return this.engine.submit((effects) => {
      const job = getJob(this.engine.core, taskId);
      if (job.lockOwner?.startsWith('engine:') && (job.lockExpiresAt ?? 0) > this.engine.clock.now()) {
        throw new ConflictError(`Task '${taskId}' is being run by an in-process handler and cannot be unlocked`);
      }
      unlockJob(this.engine.core, taskId, effects);
    });
  }

  setRetries(taskId: string, retries: number): Promise<void> {
    return this.engine.setJobRetries(taskId, retries);
  }

  /** Ends every long poll with an empty answer (server or engine shutting down). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.cancel();
    this.engine.off('jobAvailable', this.onJobAvailable);
    this.engine.off('remoteJobs', this.onRemoteJobs);
    this.engine.off('close', this.onClose);
  }

  private variablesFor(job: JobRecord, topic: FetchTopic): Variables {
    const all = topic.localVariables
      ? job.elementInstanceId ? this.engine.queries.scopeVariables(job.elementInstanceId) : {}
      : this.engine.queries.visibleVariables(job.instanceId!, job.elementInstanceId);
    if (topic.variables === undefined || topic.variables === null) return all;
    const picked: Variables = Object.create(null);
    for (const name of topic.variables) if (Object.hasOwn(all, name)) picked[name] = all[name];
    return picked;
  }

  /** A client that left while we were locking gets nothing; give its tasks back. */
  private async deliver(tasks: LockedTask[], signal?: AbortSignal): Promise<LockedTask[]> {
    if (!signal?.aborted || tasks.length === 0) return tasks;
    await this.release(tasks);
    return [];
  }

  private async release(tasks: LockedTask[]): Promise<void> {
    await Promise.all(tasks.map((t) => this.engine.submit((effects) => {
      const job = this.engine.core.runtime.getJob(t.job.id);
      if (job && job.lockOwner === t.job.lockOwner) unlockJob(this.engine.core, t.job.id, effects);
    }).catch(() => undefined)));
  }
}
