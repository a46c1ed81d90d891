import { evaluate, evaluateCondition, ExpressionError, type EvaluationContext } from '../../src/expressions/index.js';

export const juel = (source: string) => ({ language: 'juel' as const, source });
export const feel = (source: string) => ({ language: 'feel' as const, source });
export const literal = (source: string) => ({ language: 'literal' as const, source });

/** Evaluate a JUEL source. */
export function run(source: string, variables: Record<string, unknown> = {}, context?: EvaluationContext): unknown {
  return evaluate(juel(source), variables, context);
}

/** Evaluate a FEEL source (without the leading `=`). */
export function runFeel(source: string, variables: Record<string, unknown> = {}, context?: EvaluationContext): unknown {
  return evaluate(feel(source), variables, context);
}

export function condition(source: string, variables: Record<string, unknown> = {}, context?: EvaluationContext): boolean {
  return evaluateCondition(juel(source), variables, context);
}

/** The ExpressionError thrown by `action`; fails the test when nothing (or something else) is thrown. */
export function errorOf(action: () => unknown): ExpressionError {
  try {
    action();
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw new Error(`expected an ExpressionError, got ${String(error)}`);
  }
  throw new Error('expected an ExpressionError, but nothing was thrown');
}
