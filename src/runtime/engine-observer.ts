/** How an in-process handler attempt ended. */
export type HandlerOutcome = 'completed' | 'bpmnError' | 'failed';

/**
 * What the engine reports while it works, for metrics (src/observability/metrics.ts). Calls are
 * synchronous, happen on hot paths, and must be cheap and never throw.
 */
export interface EngineObserver {
  /** a group commit: how many commands it held and how long its transaction took */
  batchCommitted(commands: number, seconds: number): void;
  /** an in-process handler attempt ended (time spent in the handler only) */
  handlerFinished(topic: string, outcome: HandlerOutcome, seconds: number): void;
  /** one fetch-and-lock of a remote worker locked `tasks` tasks (time spent acquiring, not long-poll waiting) */
  externalTasksFetched(tasks: number, seconds: number): void;
  /** a scoring request on a model runtime */
  scored(runtime: string, outcome: 'ok' | 'error', seconds: number): void;
}

/** Fans every report out to the observers added; costs one empty loop when there are none. */
export class EngineObservers implements EngineObserver {
  private readonly list: EngineObserver[] = [];

  add(observer: EngineObserver): () => void {
    this.list.push(observer);
    return () => {
      const index = this.list.indexOf(observer);
      if (index !== -1) this.list.splice(index, 1);
    };
  }

  batchCommitted(commands: number, seconds: number): void {
    for (const o of this.list) o.batchCommitted(commands, seconds);
  }

  handlerFinished(topic: string, outcome: HandlerOutcome, seconds: number): void {
    for (const o of this.list) o.handlerFinished(topic, outcome, seconds);
  }

  externalTasksFetched(tasks: number, seconds: number): void {
    for (const o of this.list) o.externalTasksFetched(tasks, seconds);
  }

  scored(runtime: string, outcome: 'ok' | 'error', seconds: number): void {
    for (const o of this.list) o.scored(runtime, outcome, seconds);
  }
}

/** Seconds since `started` (a `performance.now()` reading). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
