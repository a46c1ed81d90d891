/** A decision that cannot be evaluated: the message names the decision and what went wrong. */
export class DecisionEvaluationError extends Error {
  constructor(
    message: string,
    readonly decisionId: string,
  ) {
    super(message);
    this.name = 'DecisionEvaluationError';
  }
}
