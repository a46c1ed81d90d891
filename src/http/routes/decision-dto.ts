/** Camunda 7 REST shapes of decision definitions and historic decision instances. */
import type { DecisionDefinitionRecord, DecisionInstanceRecord } from '../../store/decision-store.js';
import { toTypedValue } from '../camunda-variables.js';
import { formatDate } from '../dates.js';

export function decisionDefinitionDto(d: DecisionDefinitionRecord) {
  return {
    id: d.id,
    key: d.key,
    category: 'http://camunda.org/schema/1.0/dmn',
    name: d.name,
    version: d.version,
    resource: d.resourceName,
    deploymentId: d.deploymentId,
    decisionRequirementsDefinitionId: null,
    decisionRequirementsDefinitionKey: d.drdKey,
    tenantId: d.tenantId,
    versionTag: d.versionTag,
    historyTimeToLive: days(d.historyTimeToLive),
  };
}

/** `camunda:historyTimeToLive` as Camunda answers it: days, from `180` or `P180D`; null otherwise. */
function days(ttl: string | null): number | null {
  const match = ttl === null ? null : /^(?:P)?(\d+)(?:D)?$/i.exec(ttl.trim());
  return match ? Number(match[1]) : null;
}

export interface DecisionInstanceDtoOptions {
  includeInputs: boolean;
  includeOutputs: boolean;
}

/**
 * Camunda's HistoricDecisionInstanceDto; `inputs` and `outputs` are null unless asked for. The
 * rules that fired are each output's `ruleId` / `ruleOrder`, and (ours, for rules without outputs
 * and for the cockpit) `matchedRules`.
 */
export function decisionInstanceDto(r: DecisionInstanceRecord, options: DecisionInstanceDtoOptions) {
  const createTime = formatDate(r.evaluatedAt);
  const common = { decisionInstanceId: r.id, errorMessage: null, createTime, removalTime: null, rootProcessInstanceId: r.instanceId };
  return {
    id: r.id,
    decisionDefinitionId: r.decisionDefinitionId,
    decisionDefinitionKey: r.decisionKey,
    decisionDefinitionName: r.decisionName,
    decisionDefinitionVersion: r.decisionVersion,
    evaluationTime: createTime,
    removalTime: null,
    processDefinitionId: r.definitionId,
    processDefinitionKey: r.definitionKey,
    processInstanceId: r.instanceId,
    rootProcessInstanceId: r.instanceId,
    caseDefinitionId: null,
    caseDefinitionKey: null,
    caseInstanceId: null,
    activityId: r.elementId,
    activityInstanceId: r.elementInstanceId,
    tenantId: r.tenantId,
    userId: r.userId,
    inputs: options.includeInputs
      ? r.inputs.map((input, i) => ({ id: `${r.id}:in:${i}`, clauseId: input.clauseId, clauseName: input.clauseName, ...toTypedValue(input.value), ...common }))
      : null,
    outputs: options.includeOutputs
      ? r.outputs.map((output, i) => ({
          id: `${r.id}:out:${i}`,
          clauseId: output.clauseId,
          clauseName: output.clauseName,
          ruleId: output.ruleId || null,
          ruleOrder: output.ruleOrder || null,
          variableName: output.variableName,
          ...toTypedValue(output.value),
          ...common,
        }))
      : null,
    collectResultValue: r.collectResultValue === null || r.collectResultValue === undefined ? null : r.collectResultValue,
    rootDecisionInstanceId: r.rootDecisionInstanceId,
    decisionRequirementsDefinitionId: null,
    decisionRequirementsDefinitionKey: r.drdKey,
    matchedRules: r.matchedRules,
  };
}
