/** Where an expression is evaluated, for error messages and the `execution` object of JUEL. */
export interface EvaluationContext {
  elementId?: string;
  processInstanceId?: string;
  businessKey?: string | null;
  processDefinitionKey?: string;
  /** steps one FEEL evaluation may take (the engine's maxFeelSteps budget; default DEFAULT_FEEL_STEPS) */
  maxFeelSteps?: number;
}
