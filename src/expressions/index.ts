/**
 * Expressions in BPMN attributes: JUEL (`${...}`, Camunda 7), FEEL (`=...`, Camunda 8) and literals.
 * Sandboxed: no `eval`, no `new Function`, bounded source length, nesting depth and string size.
 */
import type { Expression } from './expression.js';
import type { EvaluationContext } from './context.js';
import { ExpressionError } from './errors.js';
import { checkFeel, evaluateFeel } from './feel.js';
import { checkJuel, evaluateJuel } from './juel.js';
import { atElement, displayText, typeName } from './messages.js';

export type { EvaluationContext } from './context.js';
export { ExpressionError } from './errors.js';
export { expressionFromText } from './classify.js';

/** Syntax check at compile time: null when fine, otherwise a message saying what is wrong and where. */
export function checkExpression(expression: Expression): string | null {
  switch (expression.language) {
    case 'juel':
      return checkJuel(expression.source);
    case 'feel':
      return checkFeel(expression.source);
    default:
      return null;
  }
}

/** Evaluate to a JSON-like value. Missing variables raise an ExpressionError naming them. */
export function evaluate(
  expression: Expression,
  variables: Readonly<Record<string, unknown>>,
  context?: EvaluationContext,
): unknown {
  switch (expression.language) {
    case 'juel':
      return evaluateJuel(expression, variables, context);
    case 'feel':
      return evaluateFeel(expression, variables, context).value;
    default:
      return expression.source;
  }
}

/** Evaluate a sequence-flow / completion condition; the result must be a boolean. */
export function evaluateCondition(
  expression: Expression,
  variables: Readonly<Record<string, unknown>>,
  context?: EvaluationContext,
): boolean {
  let value: unknown;
  let missingVariable: string | undefined;
  switch (expression.language) {
    case 'juel':
      value = evaluateJuel(expression, variables, context);
      break;
    case 'feel': {
      const result = evaluateFeel(expression, variables, context);
      value = result.value;
      missingVariable = result.missingVariable;
      break;
    }
    default: {
      const text = expression.source.trim();
      value = text === 'true' ? true : text === 'false' ? false : expression.source;
    }
  }
  if (typeof value === 'boolean') return value;
  const shown = displayText(expression);
  const because = missingVariable === undefined ? '' : ` (variable '${missingVariable}' is not defined)`;
  throw new ExpressionError(
    `Condition '${shown}' evaluated to ${typeName(value)}, expected a boolean${because}${atElement(context)}`,
    shown,
    context?.elementId,
    missingVariable,
  );
}
