/**
 * Business-rule task: with a decision reference (C7 `camunda:decisionRef`, C8
 * `zeebe:calledDecision`) it evaluates the deployed decision in the step and stores the mapped
 * result; otherwise it is a job for a handler like a service task. A decision that cannot be found
 * or evaluated is an incident on the task carrying the decision's message.
 */
import type { DecisionSettings, FlowNode } from '../../bpmn/graph.js';
import { DecisionEvaluationError, decisionOutput, mapDecisionResult, ResultMappingError } from '../../dmn/index.js';
import type { ElementProcessor } from './processor.js';
import type { ElementInstance, Step } from '../step.js';
import { IncidentError, NotFoundError } from '../errors.js';
import { applyResult, jobTask } from './tasks.js';

const INCIDENT_TYPE = 'decisionEvaluation';

export const businessRuleTask: ElementProcessor = {
  onActivate(step, ei, node) {
    if (!node.decision) return jobTask.onActivate(step, ei, node);
    evaluateDecisionOf(step, ei, node, node.decision);
    step.transitions.complete(ei);
  },
  onJobCompleted: jobTask.onJobCompleted,
  onTerminate: jobTask.onTerminate,
};

function evaluateDecisionOf(step: Step, ei: ElementInstance, node: FlowNode, settings: DecisionSettings): void {
  const decisions = step.services.decisions;
  if (!decisions) throw new IncidentError(`Business rule task '${node.id}' calls a decision, but this engine has no decision repository`, INCIDENT_TYPE);
  const variables = step.visibleVariables(ei.id);
  const key = step.evaluate(settings.decisionRef, variables, node);
  if (typeof key !== 'string' || key === '') {
    throw new IncidentError(`The decision reference of '${node.id}' evaluated to ${JSON.stringify(key)}, expected a decision id`, INCIDENT_TYPE);
  }
  let outcome;
  try {
    const definition = decisions.resolve({
      key,
      binding: settings.binding,
      ...(settings.version !== undefined ? { version: settings.version } : {}),
      ...(settings.versionTag !== undefined ? { versionTag: settings.versionTag } : {}),
      tenantId: settings.tenantId ?? null,
      ...(settings.binding === 'deployment' ? { deploymentId: decisions.deploymentOf(step.instance.definitionId) } : {}),
    });
    outcome = decisions.evaluate(
      definition,
      variables,
      {
        instanceId: step.instance.id,
        definitionId: step.instance.definitionId,
        definitionKey: step.instance.definitionKey,
        elementId: node.id,
        elementInstanceId: ei.id,
        userId: step.actor,
      },
      step.now,
      step.evaluationContext(node),
    );
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof DecisionEvaluationError) throw new IncidentError(error.message, INCIDENT_TYPE);
    throw error;
  }
  step.recordHistory({
    kind: 'decisionEvaluated',
    elementInstanceId: ei.id,
    elementId: node.id,
    elementType: node.kind,
    data: JSON.stringify({
      decisionInstanceId: outcome.decisionInstanceId,
      decisionDefinitionId: outcome.definition.id,
      decisionKey: outcome.definition.key,
      decisionVersion: outcome.definition.version,
      matchedRules: outcome.records.at(-1)?.matchedRules.map((rule) => rule.ruleId) ?? [],
    }),
  });
  if (settings.resultVariable === undefined) return;
  let value: unknown;
  try {
    value = settings.resultMapping === 'output' ? decisionOutput(outcome.decision, outcome.result) : mapDecisionResult(outcome.result, settings.resultMapping);
  } catch (error) {
    if (error instanceof ResultMappingError) throw new IncidentError(`Decision '${key}' at '${node.id}': ${error.message}`, INCIDENT_TYPE);
    throw error;
  }
  applyResult(step, ei, node, { [settings.resultVariable]: value });
}
