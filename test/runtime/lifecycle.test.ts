import { describe, it, expect } from 'vitest';
import { nextState, isFinal, IllegalTransitionError, type LifecycleState } from '../../src/runtime/lifecycle.js';

describe('element-instance lifecycle (BPMN 2.0 §13.2)', () => {
  it('follows ready → active → completing → completed', () => {
    let state: LifecycleState = 'ready';
    state = nextState(state, 'ACTIVATE', 'Task');
    expect(state).toBe('active');
    state = nextState(state, 'COMPLETE', 'Task');
    expect(state).toBe('completing');
    state = nextState(state, 'COMPLETED', 'Task');
    expect(state).toBe('completed');
    expect(isFinal(state)).toBe(true);
  });

  it('can be terminated from ready, active and completing, and withdrawn only while ready', () => {
    for (const from of ['ready', 'active', 'completing'] as const) expect(nextState(from, 'TERMINATE', 'x')).toBe('terminating');
    expect(nextState('terminating', 'TERMINATED', 'x')).toBe('terminated');
    expect(nextState('ready', 'WITHDRAW', 'x')).toBe('withdrawn');
    expect(() => nextState('active', 'WITHDRAW', 'x')).toThrow(IllegalTransitionError);
  });

  it('refuses illegal moves with the element named', () => {
    expect(() => nextState('completed', 'COMPLETE', 'Task_Deploy')).toThrow("Element 'Task_Deploy' cannot complete while completed");
    expect(() => nextState('terminated', 'ACTIVATE', 'x')).toThrow(IllegalTransitionError);
    expect(() => nextState('ready', 'COMPLETE', 'x')).toThrow(IllegalTransitionError);
  });
});
