import { FeelFunction, FeelRange, evaluate as feelEvaluate } from 'feelin';
import { EvaluationFailure } from './evaluation-failure.js';
import { MAX_FEEL_RANGE_ELEMENTS, USER_FUNCTION_CALL_STEPS } from './limits.js';
import { unsafePatternReason } from './safe-regex.js';

/**
 * feelin is an interpreter without any bound on the work one expression does: a recursive
 * function (`fib(28)`), a nested `for` over a large list or a range whose bound comes from a
 * variable would freeze the engine (or exhaust the heap) in the middle of a step. Every unit of
 * work we can observe from outside the interpreter is charged to a per-evaluation step budget:
 * - a list element read (lists from variables are metered, see feel-metered.ts);
 * - a range element enumerated (and ranges have their own cap of MAX_FEEL_RANGE_ELEMENTS);
 * - a function call: 1 for a builtin, USER_FUNCTION_CALL_STEPS for a function the expression defines
 *   (each such call copies its whole scope, which is what makes recursion expensive).
 * Regular-expression builtins (`matches`, `replace`, `split`) refuse patterns that can backtrack
 * exponentially before they run. Beyond the budget the evaluation fails: an incident, not a freeze.
 */
let spent = 0;
let limit = Number.POSITIVE_INFINITY;

/** Charges `steps` to the running evaluation. */
export function chargeFeelSteps(steps: number): void {
  spent += steps;
  if (spent > limit) {
    throw new EvaluationFailure(
      `FEEL evaluation exceeded its budget of ${limit.toLocaleString('en')} steps (list and range elements read, function calls): ` +
        'a deep recursion or a nested loop over a large list? (engine budget maxFeelSteps)',
    );
  }
}

const enumerate = FeelRange.prototype.map;
let rangeElements = 0;
FeelRange.prototype.map = function boundedMap<T>(this: FeelRange, fn: (value: unknown) => T): T[] {
  const { start, end } = this as unknown as { start: unknown; end: unknown };
  if (typeof start === 'number' && typeof end === 'number') {
    const size = Math.abs(end - start) + 1;
    rangeElements += size;
    if (!Number.isFinite(size) || rangeElements > MAX_FEEL_RANGE_ELEMENTS) {
      throw new EvaluationFailure(`FEEL range ${start}..${end} is too large: an evaluation may enumerate at most ${MAX_FEEL_RANGE_ELEMENTS.toLocaleString('en')} range elements`);
    }
    chargeFeelSteps(size);
  }
  return enumerate.call(this, fn) as T[];
};

/** feelin's regular-expression builtins, and which argument of each is the pattern. */
const patternArguments = new Map<unknown, { index: number; name: string }>([
  [builtin('matches'), { index: 1, name: 'pattern' }],
  [builtin('replace'), { index: 1, name: 'pattern' }],
  [builtin('split'), { index: 1, name: 'delimiter' }],
]);

function builtin(name: string): unknown {
  const fn = feelEvaluate(name, {}).value;
  if (typeof fn !== 'function') throw new Error(`feelin has no builtin '${name}'`);
  return fn;
}

const invoke = FeelFunction.prototype.invoke;
FeelFunction.prototype.invoke = function budgetedInvoke(this: FeelFunction, contextOrArgs: unknown) {
  const fn = (this as unknown as { fn: { $args?: unknown } }).fn;
  // builtins carry their parameter names in `$args`; functions an expression defines do not
  chargeFeelSteps(fn.$args ? 1 : USER_FUNCTION_CALL_STEPS);
  const patternArgument = patternArguments.get(fn);
  if (patternArgument) {
    const pattern = Array.isArray(contextOrArgs) ? contextOrArgs[patternArgument.index] : (contextOrArgs as Record<string, unknown> | null)?.[patternArgument.name];
    if (typeof pattern === 'string') {
      const reason = unsafePatternReason(pattern);
      if (reason !== null) throw new EvaluationFailure(`Regular expression "${pattern.slice(0, 100)}" is refused: ${reason}`);
    }
  }
  return invoke.call(this, contextOrArgs as never);
} as typeof FeelFunction.prototype.invoke;

/** Runs one FEEL evaluation with a fresh budget of `steps`. */
export function withFeelBudget<T>(steps: number, evaluation: () => T): T {
  spent = 0;
  rangeElements = 0;
  limit = steps;
  try {
    return evaluation();
  } finally {
    // feelin used elsewhere (DMN) is charged nothing it could fail on
    limit = Number.POSITIVE_INFINITY;
  }
}
