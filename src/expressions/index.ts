/**
 * INTERFACE STUB — being implemented by the expressions work (JUEL subset + FEEL via feelin).
 * Signatures are the contract; do not change them without telling the runtime and compiler.
 */
import type { Expression } from '../bpmn/graph.js';

/** Where an expression is evaluated, for error messages and the `execution` object of JUEL. */
export interface EvaluationContext {
  elementId?: string;
  processInstanceId?: string;
  businessKey?: string | null;
  processDefinitionKey?: string;
}

/** Raised for syntax errors and evaluation errors; the message names the expression, the element and the variable. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    readonly elementId?: string,
    readonly variable?: string,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Classify an attribute's text: `=...` → FEEL, containing `${` / `#{` → JUEL, anything else → literal. */
export function expressionFromText(text: string): Expression {
  throw new Error('not implemented: ' + text);
}

/** Syntax check at compile time: null when fine, otherwise a message saying what is wrong and where. */
export function checkExpression(expression: Expression): string | null {
  throw new Error('not implemented: ' + expression.source);
}

/** Evaluate to a JSON-like value. Missing variables raise an ExpressionError naming them. */
export function evaluate(
  expression: Expression,
  variables: Readonly<Record<string, unknown>>,
  context?: EvaluationContext,
): unknown {
  throw new Error('not implemented: ' + expression.source + String(variables) + String(context));
}

/** Evaluate a sequence-flow / completion condition; the result must be a boolean. */
export function evaluateCondition(
  expression: Expression,
  variables: Readonly<Record<string, unknown>>,
  context?: EvaluationContext,
): boolean {
  throw new Error('not implemented: ' + expression.source + String(variables) + String(context));
}
