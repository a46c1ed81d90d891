import { setup, transition } from 'xstate';
import type { LifecycleState } from '../store/records.js';

export type { LifecycleState };

/**
 * The element-instance lifecycle (BPMN 2.0 §13.2, the activity lifecycle), as one xstate machine.
 * Every element instance of every kind moves through these states, and the runtime enters each
 * of them (StateTransitions in state-transitions.ts is the only code that moves an instance):
 * - ready: entered over a flow, not yet activated (asyncBefore waits here for its job);
 * - active → completing → completed: its work is done, it leaves over its outgoing flows
 *   (completing lasts while an asyncAfter job is pending);
 * - terminating → terminated: cancelled (a boundary event, an interrupting event sub-process, a
 *   terminate end event, cancelling the instance);
 * - withdrawn: cancelled while still ready, before it ever ran.
 * A failure does not move an element: it stays active with an incident until someone resolves it
 * (as in Camunda), so BPMN's failing/failed states have no place here. An illegal move
 * (completing a terminated task, say) has no transition and is refused.
 */

export type LifecycleEvent = 'ACTIVATE' | 'COMPLETE' | 'COMPLETED' | 'TERMINATE' | 'TERMINATED' | 'WITHDRAW';

export const lifecycleMachine = setup({
  types: { events: {} as { type: LifecycleEvent } },
}).createMachine({
  id: 'elementInstance',
  initial: 'ready',
  states: {
    ready: { on: { ACTIVATE: 'active', TERMINATE: 'terminating', WITHDRAW: 'withdrawn' } },
    active: { on: { COMPLETE: 'completing', TERMINATE: 'terminating' } },
    completing: { on: { COMPLETED: 'completed', TERMINATE: 'terminating' } },
    terminating: { on: { TERMINATED: 'terminated' } },
    completed: { type: 'final' },
    terminated: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});

const allStates = Object.keys(lifecycleMachine.config.states!) as LifecycleState[];
const allEvents: LifecycleEvent[] = ['ACTIVATE', 'COMPLETE', 'COMPLETED', 'TERMINATE', 'TERMINATED', 'WITHDRAW'];

/**
 * The machine's transition function, tabulated once at load with xstate's pure `transition`.
 * Element instances move millions of times in a benchmark; a lookup by state, then by event,
 * keeps that free (no key string is built per move).
 */
const table: Readonly<Record<LifecycleState, Partial<Record<LifecycleEvent, LifecycleState>>>> = (() => {
  const entries = {} as Record<LifecycleState, Partial<Record<LifecycleEvent, LifecycleState>>>;
  for (const state of allStates) {
    const snapshot = lifecycleMachine.resolveState({ value: state, context: {} });
    const moves: Partial<Record<LifecycleEvent, LifecycleState>> = {};
    for (const event of allEvents) {
      const [next] = transition(lifecycleMachine, snapshot, { type: event });
      if (next.value !== state) moves[event] = next.value as LifecycleState;
    }
    entries[state] = moves;
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
  const next = table[from]?.[event];
  if (next === undefined) throw new IllegalTransitionError(from, event, elementId);
  return next;
}

export function isFinal(state: LifecycleState): boolean {
  return state === 'completed' || state === 'terminated' || state === 'withdrawn';
}
