import type { Expression } from './expression.js';
import type { EvaluationContext } from './context.js';
import { ExpressionError } from './errors.js';

const MAX_QUOTED = 200;

/** The expression as written in the diagram (`=` restored for FEEL), shortened for messages. */
export function displayText(expression: Expression): string {
  const text = expression.language === 'feel' ? '=' + expression.source : expression.source;
  return text.length > MAX_QUOTED ? text.slice(0, MAX_QUOTED) + '…' : text;
}

/** ` at element 'X'` or nothing. */
export function atElement(context: EvaluationContext | undefined): string {
  return context?.elementId === undefined ? '' : ` at element '${context.elementId}'`;
}

/** An evaluation error: `<detail> in expression '<text>' at element '<id>'`. */
export function evaluationError(
  detail: string,
  expression: Expression,
  context: EvaluationContext | undefined,
  variable?: string,
): ExpressionError {
  const text = displayText(expression);
  return new ExpressionError(`${detail} in expression '${text}'${atElement(context)}`, text, context?.elementId, variable);
}

/** The type of a value as named in messages. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  return typeof value;
}
