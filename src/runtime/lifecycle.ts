import { setup, transition } from 'xstate';

/**
 * The element-instance lifecycle (BPMN 2.0 §13.2, the activity lifecycle), as one xstate machine.
 * Every element instance of every kind moves through these states; an illegal move (completing a
 * terminated task, say) has no transition and is refused.
 */
export type LifecycleState =
  | 'ready'
  | 'active'
  | 'completing'
  | 'completed'
  | 'failing'
  | 'failed'
  | 'terminating'
  | 'terminated'
  | 'withdrawn';

export type LifecycleEvent =
  | 'ACTIVATE'
  | 'COMPLETE'
  | 'COMPLETED'
  | 'FAIL'
  | 'FAILED'
  | 'TERMINATE'
  | 'TERMINATED'
  | 'WITHDRAW';

export const lifecycleMachine = setup({
  types: { events: {} as { type: LifecycleEvent } },
}).createMachine({
  id: 'elementInstance',
  initial: 'ready',
  states: {
    ready: { on: { ACTIVATE: 'active', TERMINATE: 'terminating', WITHDRAW: 'withdrawn' } },
    active: { on: { COMPLETE: 'completing', FAIL: 'failing', TERMINATE: 'terminating' } },
    completing: { on: { COMPLETED: 'completed', FAIL: 'failing', TERMINATE: 'terminating' } },
    failing: { on: { FAILED: 'failed', TERMINATE: 'terminating' } },
    terminating: { on: { TERMINATED: 'terminated' } },
    completed: { type: 'final' },
    failed: { type: 'final' },
    terminated: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});

const allStates = Object.keys(lifecycleMachine.config.states!) as LifecycleState[];
const allEvents: LifecycleEvent[] = ['ACTIVATE', 'COMPLETE', 'COMPLETED', 'FAIL', 'FAILED', 'TERMINATE', 'TERMINATED', 'WITHDRAW'];

/**
 * The machine's transition function, tabulated once at load with xstate's pure `transition`.
 * Element instances move millions of times in a benchmark; a table lookup keeps that free.
 */
const table: ReadonlyMap<string, LifecycleState> = (() => {
  const entries = new Map<string, LifecycleState>();
  for (const state of allStates) {
    const snapshot = lifecycleMachine.resolveState({ value: state, context: {} });
    for (const event of allEvents) {
      const [next] = transition(lifecycleMachine, snapshot, { type: event });
      if (next.value !== state) entries.set(`${state}:${event}`, next.value as LifecycleState);
    }
  }
  return entries;
})();

export class IllegalTransitionError extends Error {
  constructor(readonly from: LifecycleState, readonly event: LifecycleEvent, readonly elementId: string) {
    super(`Element '${elementId}' cannot ${event.toLowerCase()} while ${from}`);
    this.name = 'IllegalTransitionError';
  }
}

/** The state after `event`, or an IllegalTransitionError. */
export function nextState(from: LifecycleState, event: LifecycleEvent, elementId: string): LifecycleState {
  const next = table.get(`${from}:${event}`);
  if (next === undefined) throw new IllegalTransitionError(from, event, elementId);
  return next;
}

export function isFinal(state: LifecycleState): boolean {
  return state === 'completed' || state === 'failed' || state === 'terminated' || state === 'withdrawn';
}
