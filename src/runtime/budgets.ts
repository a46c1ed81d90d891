/**
 * Budgets that keep one process, one request or one expression from taking the whole engine
 * down (a model is data a caller sends us). Each has a default that no sensible process reaches;
 * `Engine.open({ budgets })` changes any of them. Going beyond a budget ends in an incident on
 * the element that went too far (or a refused deployment), never in a frozen engine; only
 * maxFollowUps, a cascade across instances with no one element to blame, fails the command itself.
 */
import { BadRequestError } from './errors.js';

export interface EngineBudgets {
  /** most inner instances one multi-instance activity may have (`nrOfInstances`), sequential or parallel */
  maxMultiInstanceCardinality: number;
  /** most inner instances a parallel multi-instance activity may start at once */
  maxParallelFanOut: number;
  /** most operations (element activations, flows taken) one command may run before its moving tokens are parked with an incident */
  maxStepOperations: number;
  /** most async continuations (asyncBefore/asyncAfter jobs) in a row without a real wait state in between */
  maxChainedContinuations: number;
  /** shortest interval, in ms, between two firings of a timer cycle */
  minTimerCycleInterval: number;
  /** work one FEEL evaluation may do: list and range elements iterated, plus 10 per function call */
  maxFeelSteps: number;
  /** most follow-ups (a called instance's end continuing its caller, a thrown signal's delivery) one command runs in its transaction */
  maxFollowUps: number;
}

export const DEFAULT_BUDGETS: Readonly<EngineBudgets> = Object.freeze({
  maxMultiInstanceCardinality: 100_000,
  maxParallelFanOut: 10_000,
  maxStepOperations: 100_000,
  maxChainedContinuations: 1_000,
  minTimerCycleInterval: 1_000,
  maxFeelSteps: 1_000_000,
  maxFollowUps: 10_000,
});

/** The defaults with the caller's changes; a budget that is not a positive integer (0 for the timer interval) is refused. */
export function resolveBudgets(changes: Partial<EngineBudgets> = {}): EngineBudgets {
  const budgets: EngineBudgets = { ...DEFAULT_BUDGETS };
  for (const [name, value] of Object.entries(changes) as Array<[keyof EngineBudgets, unknown]>) {
    if (!(name in DEFAULT_BUDGETS)) throw new BadRequestError(`Unknown engine budget '${name}'`);
    if (value === undefined) continue;
    const least = name === 'minTimerCycleInterval' ? 0 : 1;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < least) {
      throw new BadRequestError(`Engine budget '${name}' must be an integer of at least ${least}, not ${String(value)}`);
    }
    budgets[name] = value;
  }
  return budgets;
}

/** The incident when a step ran out of operations: a loop without a wait state. */
export function stepOperationsExceeded(processId: string, elementId: string, budget: number): string {
  return `Process '${processId}' ran ${budget} operations in one step without reaching a wait state (budget maxStepOperations): ` +
    `is there a loop without a wait state? The token waits before '${elementId}'; set the job's retries to let it run on`;
}

/** The incident when async continuations followed each other too long: a loop through asyncBefore/asyncAfter. */
export function chainedContinuationsExceeded(processId: string, elementId: string, budget: number): string {
  return `Process '${processId}' ran ${budget} async continuations in a row without a wait state (budget maxChainedContinuations): ` +
    `is there a loop through asyncBefore/asyncAfter? The token waits at '${elementId}'; set the job's retries to let it run on`;
}

/** Why a command failed: its cascade of follow-ups did not end (a signal that starts an instance throwing it again). */
export function followUpsExceeded(budget: number): string {
  return `The command ran ${budget} follow-ups (called instances continuing their callers, thrown signals reaching their receivers) ` +
    `without coming to rest (budget maxFollowUps): does a signal start an instance that throws it again? Nothing of the command was kept`;
}

/** Why a timer cycle is refused, or null when it fires no faster than `minInterval` ms. */
export function timerCycleTooFast(gap: number | null, minInterval: number): string | null {
  if (gap === null || gap >= minInterval) return null;
  return `the cycle fires every ${gap} ms; the engine allows cycles of at least ${minInterval} ms (budget minTimerCycleInterval)`;
}
