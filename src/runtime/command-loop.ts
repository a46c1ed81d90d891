import type { Effect } from './effects.js';
import { ChangeSet } from '../store/change-set.js';
import type { DeferredWrites, Transactions } from '../store/engine-store.js';
import { secondsSince, type EngineObserver } from './engine-observer.js';
import { isConflict } from '../store/postgres/multi-node-conflicts.js';
import { OptimisticLockingError } from './errors.js';

/** A command runs inside the batch transaction and reports its effects; it must not await. */
export type Command<T> = (effects: Effect[]) => T;

/** How a command wants failures of its synchronous part handled. */
export interface CommandOptions {
  /**
   * Camunda 7's transaction semantics: a failure in the part that runs now (no outgoing flow to
   * take, an unknown variable in a condition) throws and rolls the whole command back instead of
   * leaving an incident on the element (Zeebe's way, and the default).
   */
  rollbackOnFailure?: boolean;
}

interface Pending {
  run: Command<unknown>;
  options: CommandOptions;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** runs that lost to another engine node (PostgreSQL only; see retryOrReject) */
  conflicts?: number;
}

/** Runs of one command before a conflict with other nodes is the caller's (PostgreSQL only). */
const MAX_CONFLICT_ATTEMPTS = 5;

export interface CommandLoopOptions {
  /** most commands committed together (group commit) */
  maxBatch?: number;
  /** writes that commands buffer and the loop writes once per batch, just before the commit */
  deferred?: DeferredWrites;
  /** the store's writer: applies a command's change set inside the transaction */
  apply?: (changes: ChangeSet) => void;
  /** told the size and duration of every committed batch */
  observer?: EngineObserver;
  /** runs after each command's own work, inside its transaction: the follow-ups it asked for (a caller continued, a signal delivered) */
  settle?: (effects: Effect[]) => void;
  /** runs after every commit (several nodes on PostgreSQL: tell the others what it wrote) */
  committed?: () => void;
}

const nothingDeferred: DeferredWrites = { mark: () => 0, rollback: () => undefined, flush: () => undefined, clear: () => undefined };

/**
 * Applies commands with group commit: every command queued while the previous batch ran is
 * applied in one SQLite transaction, each in its own savepoint (a failing command rolls back alone).
 * Callers' promises settle and effects are released only after the commit, so nothing outside
 * the database ever sees a step that could still be lost.
 */
export class CommandLoop {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly runOne;
  private readonly runBatch;
  private readonly runBatchOptimistic;
  private closed = false;
  private readonly deferred: DeferredWrites;
  private readonly apply: (changes: ChangeSet) => void;
  /** the change set of the command running now (commands are synchronous: there is at most one) */
  private current: ChangeSet | null = null;
  /** the options of the command running now */
  private currentOptions: CommandOptions = {};
  private readonly observer: EngineObserver | undefined;
  private readonly settle: (effects: Effect[]) => void;
  private readonly committed: (() => void) | undefined;
  /** commands that lost to another node and are waiting to run again */
  private readonly retrying = new Map<NodeJS.Timeout, Pending>();
  /** how many command runs lost to another node and were re-run (PostgreSQL; 0 on SQLite) */
  conflictRetries = 0;

  constructor(
    db: Transactions,
    private readonly release: (effects: Effect[]) => void,
    options: CommandLoopOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.observer = options.observer;
    const deferred = (this.deferred = options.deferred ?? nothingDeferred);
    this.apply = options.apply ?? (() => undefined);
    this.settle = options.settle ?? (() => undefined);
    this.committed = options.committed;
    this.runOne = db.transaction((pending: Pending, effects: Effect[]) => this.runCommand(pending.run, effects, pending.options));
    this.savepointTx = db.transaction((fn: () => unknown) => fn());
    this.runNowTx = db.transaction((command: Command<unknown>, effects: Effect[]) => {
      const value = this.runCommand(command, effects);
      deferred.flush();
      return value;
    });
    // Most batches have no failing command: run them without a savepoint per command. If one
    // throws, the whole transaction rolls back and the batch runs again the careful way.
    // Commands change nothing but the database until the commit, so the rerun is safe.
    this.runBatchOptimistic = db.transaction((batch: Pending[]) => {
      const outcomes = batch.map((pending) => {
        const effects: Effect[] = [];
        return { ok: true as const, value: this.runCommand(pending.run, effects, pending.options), effects };
      });
      deferred.flush();
      return outcomes;
    });
    this.runBatch = db.transaction((batch: Pending[]) => {
      const outcomes: Array<{ ok: true; value: unknown; effects: Effect[] } | { ok: false; error: unknown }> = [];
      for (const pending of batch) {
        const effects: Effect[] = [];
        const mark = deferred.mark();
        try {
          outcomes.push({ ok: true, value: this.runOne(pending, effects), effects });
        } catch (error) {
          deferred.rollback(mark);
          outcomes.push({ ok: false, error });
        }
      }
      deferred.flush();
      return outcomes;
    });
  }

  private readonly savepointTx: (fn: () => unknown) => unknown;
  private readonly runNowTx: (command: Command<unknown>, effects: Effect[]) => unknown;

  /** Runs one command with a fresh change set, then its follow-ups, and applies it (inside the batch transaction). */
  private runCommand<T>(command: Command<T>, effects: Effect[], options: CommandOptions = {}): T {
    const outer = this.current;
    const outerOptions = this.currentOptions;
    const changes = (this.current = new ChangeSet());
    this.currentOptions = options;
    try {
      const value = command(effects);
      this.settle(effects);
      this.apply(changes);
      return value;
    } finally {
      this.current = outer;
      this.currentOptions = outerOptions;
    }
  }

  /** True while a command that asked for Camunda 7's rollback semantics runs (see CommandOptions). */
  get rollbackOnFailure(): boolean {
    return this.current !== null && this.currentOptions.rollbackOnFailure === true;
  }

  /** Where the running command appends what it changes. Outside a command nothing may write. */
  get changes(): ChangeSet {
    if (!this.current) throw new Error('Writes happen only inside a command (engine.submit)');
    return this.current;
  }

  /**
   * Runs `fn` inside the running command in a savepoint: when it throws, its database writes and
   * the changes it appended are rolled back, and the command goes on (a broadcast receiver that
   * fails does not stop the others). Returns false when `fn` threw.
   */
  isolated(fn: () => void): boolean {
    const changes = this.changes;
    const mark = changes.mark();
    const deferredMark = this.deferred.mark();
    try {
      this.savepointTx(fn);
      return true;
    } catch {
      changes.rollback(mark);
      this.deferred.rollback(deferredMark);
      return false;
    }
  }

  /**
   * Runs a command now, synchronously, in its own transaction, outside the queue (the scheduler
   * acquiring due jobs). Its effects are released after the commit like any other's.
   */
  runNow<T>(command: Command<T>): T {
    if (this.closed) throw new Error('The engine is closed');
    const effects: Effect[] = [];
    let value: T;
    try {
      value = this.runNowTx(command as Command<unknown>, effects) as T;
    } catch (error) {
      this.deferred.clear();
      throw error;
    }
    this.committed?.();
    if (effects.length > 0) this.release(effects);
    return value;
  }

  get pending(): number {
    return this.queue.length;
  }

  submit<T>(run: Command<T>, options: CommandOptions = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The engine is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, options, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.drain());
      }
    });
  }

  /** Runs what is queued now, synchronously (used at close). */
  flush(): void {
    while (this.queue.length > 0) this.drain();
  }

  close(): void {
    this.flush();
    this.closed = true;
    for (const [timer, pending] of this.retrying) {
      clearTimeout(timer);
      pending.reject(new Error('The engine is closed'));
    }
    this.retrying.clear();
  }

  /**
   * A command that lost a race with another engine node (its instance moved, a deadlock, a unique
   * key taken meanwhile: only PostgreSQL reports these) runs again in a later batch: it changed
   * nothing that survived, and it reads fresh rows then. A little random delay keeps two nodes
   * from colliding the same way again. After MAX_CONFLICT_ATTEMPTS runs the caller gets the conflict.
   */
  private retryOrReject(pending: Pending, error: unknown): void {
    if (!isConflict(error)) return pending.reject(error);
    const runs = (pending.conflicts ?? 0) + 1;
    if (runs >= MAX_CONFLICT_ATTEMPTS || this.closed) {
      const reason = error instanceof Error ? error.message : String(error);
      return pending.reject(new OptimisticLockingError(`Gave up after ${runs} attempts that each conflicted with another engine node: ${reason}`));
    }
    pending.conflicts = runs;
    this.conflictRetries++;
    const timer = setTimeout(() => {
      this.retrying.delete(timer);
      if (this.closed) return pending.reject(new Error('The engine is closed'));
      this.queue.push(pending);
      this.rescheduleIfNeeded();
    }, Math.random() * 5 * runs);
    this.retrying.set(timer, pending);
  }

  private drain(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    let outcomes: ReturnType<typeof this.runBatch>;
    const started = performance.now();
    try {
      try {
        outcomes = this.runBatchOptimistic(batch);
      } catch (error) {
        // another node changed an instance this batch read: the careful run reads it afresh
        if (isConflict(error)) this.conflictRetries++;
        this.deferred.clear();
        outcomes = this.runBatch(batch);
      }
    } catch (error) {
      this.deferred.clear();
      // the commit itself failed (disk full, I/O error, a conflict at commit): nothing of the batch happened
      for (const pending of batch) this.retryOrReject(pending, error);
      this.rescheduleIfNeeded();
      return;
    }
    this.observer?.batchCommitted(batch.length, secondsSince(started));
    this.committed?.();
    const effects: Effect[] = [];
    outcomes.forEach((outcome, index) => {
      if (outcome.ok) {
        effects.push(...outcome.effects);
        batch[index]!.resolve(outcome.value);
      } else {
        this.retryOrReject(batch[index]!, outcome.error);
      }
    });
    if (effects.length > 0) this.release(effects);
    this.rescheduleIfNeeded();
  }

  private rescheduleIfNeeded(): void {
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }
}
