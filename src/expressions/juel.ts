/** JUEL (`${...}` / `#{...}`, Camunda 7): compile once per source string, evaluate many times. */
import type { Expression } from './expression.js';
import { CompileCache } from './compile-cache.js';
import type { EvaluationContext } from './context.js';
import { ExpressionError } from './errors.js';
import { EvaluationFailure } from './evaluation-failure.js';
import type { JuelNode } from './juel-ast.js';
import { evaluateJuelNode } from './juel-evaluator.js';
import { parseJuel } from './juel-parser.js';
import { JuelSyntaxError } from './juel-syntax-error.js';
import { MAX_SOURCE_LENGTH } from './limits.js';
import { atElement, displayText, evaluationError } from './messages.js';

/** A compiled tree, or the syntax error message (without the element) when the source is invalid. */
type Compiled = { readonly tree: JuelNode; readonly error?: undefined } | { readonly tree?: undefined; readonly error: string };

const cache = new CompileCache<Compiled>();

/** Parse (or fetch from the cache) a JUEL source. */
export function compileJuel(source: string): Compiled {
  let compiled = cache.get(source);
  if (compiled === undefined) {
    // Over-long sources are refused without being kept as cache keys.
    if (source.length > MAX_SOURCE_LENGTH) return parse(source);
    compiled = parse(source);
    cache.set(source, compiled);
  }
  return compiled;
}

function parse(source: string): Compiled {
  const shown = displayText({ language: 'juel', source });
  if (source.length > MAX_SOURCE_LENGTH) {
    return { error: `Expression is longer than ${MAX_SOURCE_LENGTH} characters (${source.length}) in '${shown}'` };
  }
  try {
    return { tree: parseJuel(source) };
  } catch (error) {
    if (error instanceof JuelSyntaxError) return { error: error.describe(shown) };
    if (error instanceof RangeError) return { error: `Expression is too complex in '${shown}'` };
    throw error;
  }
}

export function checkJuel(source: string): string | null {
  return compileJuel(source).error ?? null;
}

export function evaluateJuel(
  expression: Expression,
  variables: Readonly<Record<string, unknown>>,
  context: EvaluationContext | undefined,
): unknown {
  const compiled = compileJuel(expression.source);
  if (compiled.tree === undefined) {
    throw new ExpressionError(compiled.error + atElement(context), displayText(expression), context?.elementId);
  }
  try {
    return evaluateJuelNode(compiled.tree, variables, context);
  } catch (error) {
    if (error instanceof EvaluationFailure) throw evaluationError(error.detail, expression, context, error.variable);
    if (error instanceof RangeError) throw evaluationError('Evaluation exceeded the stack', expression, context);
    throw error;
  }
}

/** For tests and long-running hosts: how many sources are compiled, and a way to forget them. */
export const juelCache = {
  get size(): number {
    return cache.size;
  },
  clear(): void {
    cache.clear();
  },
};
