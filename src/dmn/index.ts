/** DMN 1.3 decisions: XML → validated `DecisionGraph`, evaluated with FEEL. */
export { compileDmn } from './compile.js';
export { evaluateDecision, type DrgEvaluation, type DecisionRecord, type EvaluatedInput, type EvaluatedOutput } from './evaluate.js';
export { DecisionEvaluationError } from './errors.js';
export { mapDecisionResult, decisionOutput, ResultMappingError, RESULT_MAPPINGS, type ResultMapping } from './result.js';
export type { RuleResult } from './hit-policy.js';
export type * from './graph.js';
