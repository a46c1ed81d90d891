/**
 * `POST /decision-definitions/evaluation` answered in Zeebe's EvaluateDecisionResult shape. Values
 * (outputs, inputs) are JSON text, as Zeebe sends them. The evaluation goes through
 * Engine.evaluateDecision, so it lands in the same decision history as Camunda 7's evaluate.
 */
import { BadRequestError } from '../../runtime/errors.js';
import type { DecisionOutcome } from '../../runtime/decisions.js';
import { decisionOutput } from '../../dmn/index.js';
import { actor } from '../routes/route.js';
import type { Request, Response } from 'express';
import { ok } from '../respond.js';
import { bodyOf, idOfKey, optString, optVariables, tenantIn, tenantOut, type V2Context } from './context.js';
import { decisionTypeOf, recordedOutput, requirementsKeyOf } from './decision-items.js';

export async function evaluateDecisionHandler(ctx: V2Context, req: Request, res: Response): Promise<void> {
  const body = bodyOf(req);
  const byKey = body.decisionDefinitionKey;
  const byId = optString(body, 'decisionDefinitionId');
  if ((byKey === undefined || byKey === null) === (byId === undefined)) throw new BadRequestError('Give exactly one of decisionDefinitionKey and decisionDefinitionId');
  const tenantId = tenantIn(body.tenantId);
  const variables = optVariables(body) ?? {};
  const ref = byId === undefined ? { id: idOfKey(ctx, byKey, 'decision definition') } : { key: byId, tenantId };
  const outcome = await ctx.engine.evaluateDecision(ref, variables, { userId: actor(res) });
  ok(res, evaluationResult(ctx, outcome));
}

function evaluationResult(ctx: V2Context, outcome: DecisionOutcome) {
  const { definition } = outcome;
  const graph = ctx.engine.decisions.graph(definition.id);
  const instanceKey = ctx.keys.keyOf(outcome.decisionInstanceId);
  return {
    decisionDefinitionId: definition.key,
    decisionDefinitionName: definition.name,
    decisionDefinitionVersion: definition.version,
    decisionRequirementsId: definition.drdKey,
    output: JSON.stringify(decisionOutput(outcome.decision, outcome.result)),
    // a failing evaluation is refused (400) and recorded nowhere, so a result never names a failure
    failedDecisionDefinitionId: '',
    failureMessage: '',
    tenantId: tenantOut(definition.tenantId),
    decisionDefinitionKey: ctx.keys.keyOf(definition.id),
    decisionRequirementsKey: requirementsKeyOf(ctx, definition),
    decisionInstanceKey: instanceKey,
    decisionEvaluationKey: instanceKey,
    evaluatedDecisions: outcome.records.map((record) => {
      const decision = graph.decisions[record.decisionKey]!;
      const isRoot = record.id === outcome.decisionInstanceId;
      return {
        decisionDefinitionId: record.decisionKey,
        decisionDefinitionName: record.decisionName,
        decisionDefinitionVersion: record.decisionVersion,
        decisionDefinitionType: decisionTypeOf(decision),
        output: isRoot ? JSON.stringify(decisionOutput(decision, outcome.result)) : recordedOutput(decision, record),
        tenantId: tenantOut(record.tenantId),
        matchedRules: record.matchedRules.map((rule) => ({
          ruleId: rule.ruleId,
          ruleIndex: rule.ruleOrder,
          evaluatedOutputs: record.outputs
            .filter((output) => output.ruleId === rule.ruleId)
            .map((output) => ({ outputId: output.clauseId, outputName: output.variableName, outputValue: JSON.stringify(output.value ?? null), ruleId: rule.ruleId, ruleIndex: rule.ruleOrder })),
        })),
        evaluatedInputs: record.inputs.map((input) => ({ inputId: input.clauseId, inputName: input.clauseName ?? input.clauseId, inputValue: JSON.stringify(input.value ?? null) })),
        decisionDefinitionKey: ctx.keys.keyOf(record.decisionDefinitionId),
        decisionEvaluationInstanceKey: ctx.keys.keyOf(record.id),
      };
    }),
  };
}
