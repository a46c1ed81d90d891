import { FeelRange } from 'feelin';
import { EvaluationFailure } from './evaluation-failure.js';
import { MAX_FEEL_RANGE_ELEMENTS } from './limits.js';

/**
 * FEEL can enumerate ranges (`for i in 1..n return i`), and feelin materialises them without a
 * bound: `n` from a variable of 1e9 would exhaust the heap and take the engine down. Every range
 * enumeration is charged against a budget per evaluation, so a huge or nested range fails that
 * one evaluation (an incident) instead.
 */
let spent = 0;

const enumerate = FeelRange.prototype.map;
FeelRange.prototype.map = function boundedMap<T>(this: FeelRange, fn: (value: unknown) => T): T[] {
  const { start, end } = this as unknown as { start: unknown; end: unknown };
  if (typeof start === 'number' && typeof end === 'number') {
    const size = Math.abs(end - start) + 1;
    spent += size;
    if (!Number.isFinite(size) || spent > MAX_FEEL_RANGE_ELEMENTS) {
      throw new EvaluationFailure(`FEEL range ${start}..${end} is too large: an evaluation may enumerate at most ${MAX_FEEL_RANGE_ELEMENTS.toLocaleString('en')} range elements`);
    }
  }
  return enumerate.call(this, fn) as T[];
};

/** Runs one FEEL evaluation with a fresh budget. */
export function withFeelBudget<T>(evaluation: () => T): T {
  spent = 0;
  return evaluation();
}
