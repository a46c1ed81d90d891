import type { Logger } from 'pino';
import type { JobRecord } from '../store/records.js';
import { BpmnError, NonRetryableError } from './errors.js';
import type { Variables } from './variables.js';
import { secondsSince, type EngineObserver, type HandlerOutcome } from './engine-observer.js';

/** What a handler is told about the work it is asked to do. */
export interface JobContext {
  /** stable across retries and restarts: use it to make side effects idempotent */
  idempotencyKey: string;
  jobId: string;
  topic: string;
  /** 1 for the first try */
  attempt: number;
  retriesLeft: number;
  variables: Variables;
  element: { id: string; name?: string; type: string };
  instance: { id: string; businessKey: string | null; definitionKey: string; definitionId: string };
  headers: Record<string, string>;
  /** aborted when the attempt times out or the engine closes */
  signal: AbortSignal;
}

export interface HandlerResult {
  variables?: Variables;
}

export type JobHandler = (job: JobContext) => Promise<HandlerResult | void> | HandlerResult | void;

export interface HandlerOptions {
  /** ms before an attempt counts as failed (default: the engine's handlerTimeout) */
  timeout?: number;
}

/** How a handler's outcome reaches the engine (each becomes a command). */
export interface HandlerOutcomes {
  complete(job: JobRecord, attempt: number, variables: Variables): Promise<void>;
  bpmnError(job: JobRecord, attempt: number, error: BpmnError): Promise<void>;
  /** `retries` 0 for a NonRetryableError (straight to an incident); undefined counts down */
  fail(job: JobRecord, attempt: number, message: string, details: string | null, retries?: number): Promise<void>;
  /**
   * Several nodes only: makes sure this node still holds the job's lock and extends it to `ms` from
   * now (a command); false when the lock lapsed and another node may have the job. Absent on SQLite
   * (one node: nobody else can take a job this engine locked).
   */
  relock?(job: JobRecord, ms: number): Promise<boolean>;
  /** `businessKey` when the caller knows it (saves a read); undefined = look it up */
  describe(job: JobRecord, businessKey?: string | null): Pick<JobContext, 'element' | 'instance' | 'headers'>;
}

interface Registration {
  handler: JobHandler;
  timeout: number;
}

interface Queued {
  job: JobRecord;
  variables: Variables;
  businessKey?: string | null;
  /** it waited for a slot: its lock (taken when it was created or acquired) may have lapsed meanwhile */
  waited: boolean;
}

/**
 * Several nodes: a handler job's lock outlasts its handler's timeout by this much, so the failure
 * that a timeout commits lands before another node may take the job.
 */
export const LOCK_MARGIN_MS = 5000;

/**
 * Runs in-process handlers for jobs this engine has locked, at most `maxConcurrent` at a time;
 * the rest wait in memory (their rows stay locked, so the scheduler does not hand them out twice).
 */
export class HandlerDispatcher {
  private readonly handlers = new Map<string, Registration>();
  private readonly queue: Queued[] = [];
  private readonly active = new Set<string>();
  private running = 0;
  private readonly closing = new AbortController();
  /** signals handed to running handlers, aborted when the engine closes */
  private readonly aborts = new Set<AbortController>();

  constructor(
    private readonly outcomes: HandlerOutcomes,
    private readonly logger: Logger,
    private readonly defaultTimeout: number,
    private readonly maxConcurrent: number,
    private readonly observer?: EngineObserver,
  ) {}

  register(topic: string, handler: JobHandler, options: HandlerOptions = {}): void {
    if (typeof topic !== 'string' || topic.length === 0) throw new TypeError('A handler needs a topic name');
    if (typeof handler !== 'function') throw new TypeError(`The handler for topic '${topic}' must be a function`);
    this.handlers.set(topic, { handler, timeout: options.timeout ?? this.defaultTimeout });
  }

  has(topic: string): boolean {
    return this.handlers.has(topic);
  }

  topics(): IterableIterator<string> {
    return this.handlers.keys();
  }

  /** Jobs queued or running here; the scheduler must not acquire them again. */
  holds(jobId: string): boolean {
    return this.active.has(jobId);
  }

  get busy(): number {
    return this.running + this.queue.length;
  }

  get lockDuration(): number {
    return this.defaultTimeout;
  }

  dispatch(job: JobRecord, variables: Variables, businessKey?: string | null): void {
    if (this.active.has(job.id) || this.closing.signal.aborted) return;
    this.active.add(job.id);
    this.queue.push({ job, variables, businessKey, waited: this.running >= this.maxConcurrent });
    this.pump();
  }

  close(): void {
    this.closing.abort();
    for (const abort of this.aborts) abort.abort(new Error('engine closing'));
    this.queue.length = 0;
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      const queued = this.queue.shift()!;
      const { job } = queued;
      this.running++;
      void this.start(queued).finally(() => {
        this.running--;
        this.active.delete(job.id);
        this.pump();
      });
    }
  }

  /**
   * Several nodes: a job that waited for a slot, or whose handler may run longer than the lock it was
   * given, is relocked first (for the handler's timeout and a margin, so a running handler never
   * outlives its lock: there is no separate lock extension). When this node lost the lock meanwhile,
   * the job is dropped: another node may be running it, and a handler must never run on two nodes.
   */
  private async start({ job, variables, businessKey, waited }: Queued): Promise<void> {
    const relock = this.outcomes.relock;
    const registration = this.handlers.get(job.topic ?? '');
    if (relock && registration && (waited || registration.timeout > this.defaultTimeout)) {
      let held = false;
      try {
        held = await relock(job, registration.timeout + LOCK_MARGIN_MS);
      } catch (error) {
        this.logger.warn({ jobId: job.id, err: error instanceof Error ? error.message : String(error) }, 'could not relock a queued job');
      }
      if (!held) {
        this.logger.info({ jobId: job.id, topic: job.topic }, 'queued job dropped: its lock lapsed while it waited');
        return;
      }
      if (this.closing.signal.aborted) return;
    }
    return this.run(job, variables, businessKey);
  }

  private async run(job: JobRecord, variables: Variables, businessKey: string | null | undefined): Promise<void> {
    const registration = this.handlers.get(job.topic ?? '');
    if (!registration) return;
    const attempt = job.attempts + 1;
    // the abort signal is made only for handlers that read it: most never do, and it costs per job
    let abort: AbortController | undefined;
    const aborts = this.aborts;
    const closing = this.closing.signal;
    let timer: NodeJS.Timeout | undefined;
    const started = performance.now();
    let outcome: HandlerOutcome = 'failed';
    let seconds: number | undefined; // the handler's own time, without the commit of its outcome
    try {
      const described = this.outcomes.describe(job, businessKey);
      const context = {
        idempotencyKey: job.id,
        jobId: job.id,
        topic: job.topic!,
        attempt,
        retriesLeft: job.retries,
        variables,
        element: described.element,
        instance: described.instance,
        headers: described.headers,
        // a getter, not a named closure: the dev loader (esbuild keepNames) would rename one on every job
        get signal() {
          if (!abort) {
            abort = new AbortController();
            aborts.add(abort);
            if (closing.aborted) abort.abort(new Error('engine closing'));
          }
          return abort.signal;
        },
      } satisfies JobContext;
      // the handler runs in a later microtask, never inside the release of the commit that created its job
      await undefined;
      const returned = registration.handler(context);
      let result: HandlerResult | void;
      if (isThenable(returned)) {
        // only work that goes on after the call returns can time out: a handler that answered at once needs no timer
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const error = new Error(`Handler for topic '${job.topic}' timed out after ${registration.timeout} ms`);
            abort?.abort(error);
            reject(error);
          }, registration.timeout);
          timer.unref();
        });
        result = await Promise.race([returned, timedOut]);
      } else {
        result = returned;
      }
      outcome = 'completed';
      seconds = secondsSince(started);
      if (this.closing.signal.aborted) return;
      await this.outcomes.complete(job, attempt, (result && result.variables) || {});
    } catch (error) {
      seconds ??= secondsSince(started);
      if (outcome !== 'completed' && error instanceof BpmnError) outcome = 'bpmnError';
      if (this.closing.signal.aborted) return;
      await this.report(job, attempt, error);
    } finally {
      clearTimeout(timer);
      if (!this.closing.signal.aborted) this.observer?.handlerFinished(job.topic!, outcome, seconds ?? secondsSince(started));
      if (abort) this.aborts.delete(abort);
    }
  }

  private async report(job: JobRecord, attempt: number, error: unknown): Promise<void> {
    try {
      if (error instanceof BpmnError) return await this.outcomes.bpmnError(job, attempt, error);
      const message = error instanceof Error ? error.message : String(error);
      const details = error instanceof Error && error.stack ? error.stack : null;
      this.logger.warn({ jobId: job.id, topic: job.topic, attempt, err: message }, 'handler failed');
      await this.outcomes.fail(job, attempt, message, details, error instanceof NonRetryableError ? 0 : undefined);
    } catch (reportError) {
      this.logger.debug({ jobId: job.id, err: String(reportError) }, 'handler outcome not applied');
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
