/**
 * Thrown inside an evaluator where the expression and element are not at hand;
 * the entry point turns it into an ExpressionError that names both.
 */
export class EvaluationFailure extends Error {
  constructor(
    readonly detail: string,
    readonly variable?: string,
  ) {
    super(detail);
    this.name = 'EvaluationFailure';
  }
}
