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
