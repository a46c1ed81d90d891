/** Where an expression is evaluated, for error messages and the `execution` object of JUEL. */
export interface EvaluationContext {
  elementId?: string;
  processInstanceId?: string;
  businessKey?: string | null;
  processDefinitionKey?: string;
}
