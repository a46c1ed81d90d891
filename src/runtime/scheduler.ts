import type { Logger } from 'pino';
import type { JobQueueReads } from '../store/engine-store.js';
import type { JobRecord } from '../store/records.js';
import type { ChangeSet } from '../store/change-set.js';
import type { Clock } from './timers/index.js';

export interface SchedulerHooks {
  /** lock owner written on acquired jobs */
  owner: string;
  lockDuration: number;
  /** topics with an in-process handler, and how many more jobs the handlers can take now */
  handledTopics(): Iterable<string>;
  capacity(): number;
  isHeld(jobId: string): boolean;
  /** run an acquired handler job / an acquired engine job (timer, continuation) */
  dispatch(job: JobRecord): void;
  fire(job: JobRecord): void;
  /** several nodes: called before each acquisition (refreshes a late heartbeat) */
  beforeAcquire?(): void;
  /** runs `acquire` as a command of its own, now (the command loop opens the transaction) */
  runNow<T>(acquire: (changes: ChangeSet) => T): T;
}

const BATCH = 500;
/** Full batches taken in one poll before it yields to the event loop (and polls again at once). */
const MAX_ROUNDS = 8;
/** Re-check at least this often (unless the clock says otherwise), so work that appeared without a wake-up (another writer, a clock jump) is found. */
const MAX_SLEEP = 60_000;

/**
 * The one timer of the engine: sleeps until the earliest due job (timer, retry, expired lock),
 * acquires what is due with a lock owner and expiry, hands it on, and sleeps again.
 */
export class Scheduler {
  private alarmAt: number | null = null;
  private cancelAlarm: (() => void) | null = null;
  private polling = false;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;

  constructor(
    private readonly jobs: JobQueueReads,
    private readonly clock: Clock,
    private readonly hooks: SchedulerHooks,
    private readonly logger: Logger,
    /** longest sleep between polls (several nodes: short, so work a lost wake-up announced waits little) */
    private readonly maxSleep = MAX_SLEEP,
  ) {}

  /** True while the scheduler is armed: a poll is queued, running, or set for a time. */
  get running(): boolean {
    return !this.closed && (this.polling || this.immediate !== null || this.alarmAt !== null);
  }

  /** Make sure a poll happens at `at` (or now, if that is past). */
  wake(at: number = this.clock.now()): void {
    if (this.closed) return;
    if (at <= this.clock.now()) {
      // due now: poll on the next turn rather than through the clock (a manual clock only moves when told)
      if (!this.immediate) this.immediate = setImmediate(() => {
        this.immediate = null;
        this.poll();
      });
      return;
    }
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.cancelAlarm?.();
    this.alarmAt = at;
    this.cancelAlarm = this.clock.setAlarm(at, () => {
      this.alarmAt = null;
      this.cancelAlarm = null;
      this.poll();
    });
  }

  close(): void {
    this.closed = true;
    if (this.immediate) clearImmediate(this.immediate);
    this.cancelAlarm?.();
    this.cancelAlarm = null;
  }

  /** Acquires and hands on everything due now, then arms the alarm for the next due time. */
  poll(): void {
    if (this.closed || this.polling) return;
    this.polling = true;
    try {
      // a round goes on only while full batches of jobs new to this poll come: the loop can never
      // spin on the same jobs, and after MAX_ROUNDS it yields (handlers, commands, the heartbeat run)
      const seen = new Set<string>();
      let rounds = 0;
      let more = true;
      while (more && !this.closed && rounds < MAX_ROUNDS) {
        more = this.acquire(seen);
        rounds++;
      }
      const next = this.jobs.nextDue(this.hooks.handledTopics());
      const now = this.clock.now();
      // a manual clock moves only when told: a re-check every maxSleep of its time finds nothing new
      this.wake(more ? now : Math.min(next ?? Infinity, now + (this.clock.recheckInterval ?? this.maxSleep)));
    } catch (error) {
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'scheduler poll failed');
      this.wake(this.clock.now() + 1000);
    } finally {
      this.polling = false;
    }
  }

  /** One round of acquisition; true when a full batch of jobs not `seen` before was taken (there may be more). */
  private acquire(seen: Set<string>): boolean {
    this.hooks.beforeAcquire?.();
    const now = this.clock.now();
    const expires = now + this.hooks.lockDuration;
    const acquired: Array<{ job: JobRecord; handler: boolean }> = [];
    this.hooks.runNow((changes) => {
      for (const job of this.jobs.dueEngineJobs(now, BATCH)) {
        changes.add({ kind: 'lockJob', id: job.id, owner: this.hooks.owner, expiresAt: expires });
        acquired.push({ job: { ...job, lockOwner: this.hooks.owner, lockExpiresAt: expires }, handler: false });
      }
      let capacity = this.hooks.capacity();
      for (const topic of this.hooks.handledTopics()) {
        if (capacity <= 0) break;
        for (const job of this.jobs.dueTopicJobs(topic, now, Math.min(capacity, BATCH))) {
          if (this.hooks.isHeld(job.id)) continue;
          changes.add({ kind: 'lockJob', id: job.id, owner: this.hooks.owner, expiresAt: expires });
          acquired.push({ job: { ...job, lockOwner: this.hooks.owner, lockExpiresAt: expires }, handler: true });
          capacity--;
        }
      }
    });
    let fresh = 0;
    for (const { job, handler } of acquired) {
      if (seen.has(job.id)) continue; // already handed on in this poll
      seen.add(job.id);
      fresh++;
      if (handler) this.hooks.dispatch(job);
      else this.hooks.fire(job);
    }
    return fresh >= BATCH;
  }
}
