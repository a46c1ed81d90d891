/**
 * FEEL unary tests (DMN decision table input entries such as `>= 10`, `"a","b"`, `[1..5]`,
 * `not("x")`), through feelin like every other FEEL evaluation: syntax checks cached per source,
 * evaluation under the same per-evaluation budget as expressions.
 */
import { parseUnaryTests, unaryTest } from 'feelin';
import { CompileCache } from './compile-cache.js';
import { EvaluationFailure } from './evaluation-failure.js';
import { withFeelBudget } from './feel-budget.js';
import { meteredContext } from './feel-metered.js';
import { DEFAULT_FEEL_STEPS, MAX_SOURCE_LENGTH } from './limits.js';
import { firstSyntaxError, type SyntaxErrorSpan } from './feel-syntax-error.js';

const checked = new CompileCache<string | null>();

/** null when `source` parses as FEEL unary tests, else what is wrong and at which column. */
export function checkUnaryTests(source: string): string | null {
  if (source.length > MAX_SOURCE_LENGTH) return `Unary tests are longer than ${MAX_SOURCE_LENGTH} characters (${source.length})`;
  let result = checked.get(source);
  if (result === undefined) {
    result = check(source);
    checked.set(source, result);
  }
  return result;
}

function check(source: string): string | null {
  if (source.trim() === '') return null;
  let error: SyntaxErrorSpan | undefined;
  try {
    error = firstSyntaxError(parseUnaryTests(source, {}, undefined));
  } catch (e) {
    return `Cannot parse unary tests (${e instanceof Error ? e.message : String(e)})`;
  }
  if (error === undefined) return null;
  const token = error.from < error.to ? `Unexpected token '${source.slice(error.from, error.to)}'` : error.from >= source.trimEnd().length ? 'Unexpected end of unary tests' : `Unexpected token at '${source.slice(error.from, error.from + 10)}'`;
  return `${token} at column ${error.from + 1}`;
}

/**
 * Does `value` pass the unary tests? `context` holds the variables (already FEEL-clean) and the
 * input value under `?`. A null test result (e.g. comparing a string with a number) is no match.
 * Runs under the FEEL step budget (`steps`, the engine's maxFeelSteps) with lists metered, like
 * every FEEL evaluation. Throws EvaluationFailure with feelin's message when the test cannot be evaluated.
 */
export function passesUnaryTests(source: string, context: Record<string, unknown>, steps: number = DEFAULT_FEEL_STEPS): boolean {
  const problem = checkUnaryTests(source);
  if (problem !== null) throw new EvaluationFailure(problem);
  try {
    return withFeelBudget(steps, () => unaryTest(source, meteredContext(context))).value === true;
  } catch (e) {
    if (e instanceof EvaluationFailure) throw e;
    if (e instanceof RangeError) throw new EvaluationFailure('Evaluation exceeded the stack');
    throw new EvaluationFailure(`FEEL unary test failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
