/**
 * FEEL (`=...`, Camunda 8) through feelin, an interpreter over a lezer parse tree
 * (no `eval`, no `new Function`). Syntax checks are cached per source string.
 */
import { evaluate as feelEvaluate, parseExpression } from 'feelin';
import type { Expression } from './expression.js';
import { CompileCache } from './compile-cache.js';
import type { EvaluationContext } from './context.js';
import { ExpressionError } from './errors.js';
import { EvaluationFailure } from './evaluation-failure.js';
import { fromFeel, toFeelContext } from './feel-values.js';
import { DEFAULT_FEEL_STEPS, MAX_NESTING_DEPTH, MAX_SOURCE_LENGTH } from './limits.js';
import { withFeelBudget } from './feel-budget.js';
import { meteredContext } from './feel-metered.js';
import { atElement, displayText, evaluationError } from './messages.js';
import { firstSyntaxError, type SyntaxErrorSpan } from './feel-syntax-error.js';

/** A FEEL result with the first variable feelin reported missing (FEEL reads it as null). */
export interface FeelResult {
  value: unknown;
  missingVariable?: string;
}

const checked = new CompileCache<string | null>();

/** null when the source parses, else `<what> at column <n> in '=<source>'` (columns count the `=`). */
export function checkFeel(source: string): string | null {
  if (source.length > MAX_SOURCE_LENGTH) return check(source);
  let result = checked.get(source);
  if (result === undefined) {
    result = check(source);
    checked.set(source, result);
  }
  return result;
}

function check(source: string): string | null {
  const shown = displayText({ language: 'feel', source });
  if (source.length > MAX_SOURCE_LENGTH) return `Expression is longer than ${MAX_SOURCE_LENGTH} characters (${source.length}) in '${shown}'`;
  if (source.trim() === '') return `Empty expression in '${shown}'`;
  const tooDeep = deepestBracket(source);
  if (tooDeep >= 0) {
    return `Expression is nested too deeply (more than ${MAX_NESTING_DEPTH} levels) at column ${tooDeep + 2} in '${shown}'`;
  }
  let error: SyntaxErrorSpan | undefined;
  try {
    error = firstSyntaxError(parseExpression(source, {}, undefined));
  } catch (e) {
    return `Cannot parse expression (${e instanceof Error ? e.message : String(e)}) in '${shown}'`;
  }
  if (error === undefined) return null;
  return `${describeError(source, error.from, error.to)} at column ${error.from + 2} in '${shown}'`;
}

function describeError(source: string, from: number, to: number): string {
  if (from < to) return `Unexpected token '${source.slice(from, to)}'`;
  const rest = source.slice(from).trimStart();
  if (rest === '') return 'Unexpected end of expression';
  const token = /^(?:\w+|\S)/.exec(rest)?.[0] ?? rest[0];
  return `Unexpected token '${token}'`;
}

/** Offset of the first bracket opening deeper than MAX_NESTING_DEPTH, or -1. Strings are skipped. */
function deepestBracket(source: string): number {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '"') {
      for (i++; i < source.length && source[i] !== '"'; i++) if (source[i] === '\\') i++;
    } else if (c === '(' || c === '[' || c === '{') {
      if (++depth > MAX_NESTING_DEPTH) return i;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
    }
  }
  return -1;
}

export function evaluateFeel(
  expression: Expression,
  variables: Readonly<Record<string, unknown>>,
  context: EvaluationContext | undefined,
): FeelResult {
  const error = checkFeel(expression.source);
  if (error !== null) throw new ExpressionError(error + atElement(context), displayText(expression), context?.elementId);
  try {
    const steps = context?.maxFeelSteps ?? DEFAULT_FEEL_STEPS;
    const { result, warnings } = withFeelBudget(steps, () => {
      const { value, warnings } = feelEvaluate(expression.source, meteredContext(toFeelContext(variables)));
      // converted inside the budget: reading a metered result list costs steps too
      return { result: { value: fromFeel(value) } as FeelResult, warnings };
    });
    for (const warning of warnings) {
      if (warning.type !== 'NO_VARIABLE_FOUND') continue;
      const name = /^Variable '(.*)' not found$/.exec(warning.message)?.[1];
      if (name !== undefined) result.missingVariable = name;
      break;
    }
    return result;
  } catch (e) {
    if (e instanceof EvaluationFailure) throw evaluationError(e.detail, expression, context, e.variable);
    if (e instanceof RangeError) throw evaluationError('Evaluation exceeded the stack', expression, context);
    const message = e instanceof Error ? e.message : String(e);
    throw evaluationError(`FEEL evaluation failed: ${message}`, expression, context);
  }
}
