/**
 * A decision's result (one map of output name → value per rule result) in the shapes the two
 * Camunda flavours hand to a process: Camunda 7's `camunda:mapDecisionResult` and Camunda 8's
 * decision output.
 */
import type { Decision } from './graph.js';
import type { RuleResult } from './hit-policy.js';

export type ResultMapping = 'singleEntry' | 'singleResult' | 'collectEntries' | 'resultList';
export const RESULT_MAPPINGS: readonly ResultMapping[] = ['singleEntry', 'singleResult', 'collectEntries', 'resultList'];

/** Thrown when a result does not fit the mapping; the message says why, as Camunda 7 does. */
export class ResultMappingError extends Error {}

export function mapDecisionResult(result: RuleResult[], mapping: ResultMapping): unknown {
  switch (mapping) {
    case 'singleEntry': {
      if (result.length > 1) throw new ResultMappingError(`mapDecisionResult singleEntry needs at most one rule result, but the decision gave ${result.length}`);
      const entry = result[0];
      if (entry === undefined) return null;
      const keys = Object.keys(entry);
      if (keys.length > 1) throw new ResultMappingError(`mapDecisionResult singleEntry needs one output, but the result has ${keys.length} (${keys.join(', ')}): use singleResult`);
      return keys.length === 0 ? null : entry[keys[0]!];
    }
    case 'singleResult':
      if (result.length > 1) throw new ResultMappingError(`mapDecisionResult singleResult needs at most one rule result, but the decision gave ${result.length}: use resultList`);
      return result[0] ?? null;
    case 'collectEntries':
      return result.map((entry) => {
        const keys = Object.keys(entry);
        if (keys.length > 1) throw new ResultMappingError(`mapDecisionResult collectEntries needs one output per rule result, but a result has ${keys.length} (${keys.join(', ')}): use resultList`);
        return keys.length === 0 ? null : entry[keys[0]!];
      });
    case 'resultList':
      return result;
  }
}

/**
 * Camunda 8's decision output: single-hit tables give the output value (or a context of the
 * outputs, or null when nothing matched); multi-hit tables a list of them; an aggregation the value;
 * a literal expression its value.
 */
export function decisionOutput(decision: Decision, result: RuleResult[]): unknown {
  const logic = decision.logic;
  if (logic.kind === 'literal') return result[0]?.[logic.variableName] ?? null;
  const shape = (entry: RuleResult): unknown => (logic.outputs.length === 1 ? entry[logic.outputs[0]!.name] ?? null : entry);
  if (logic.aggregation !== undefined) return result[0] === undefined ? null : shape(result[0]);
  switch (logic.hitPolicy) {
    case 'UNIQUE':
    case 'FIRST':
    case 'ANY':
    case 'PRIORITY':
      return result[0] === undefined ? null : shape(result[0]);
    case 'COLLECT':
    case 'RULE ORDER':
    case 'OUTPUT ORDER':
      return result.map(shape);
  }
}
