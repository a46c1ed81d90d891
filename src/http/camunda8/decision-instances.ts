/**
 * Recorded decision evaluations (the audit rows of Camunda 7's decision history) as Camunda 8
 * decision instances. Only successful evaluations are recorded, so every state is EVALUATED.
 */
import type { DecisionInstanceRecord } from '../../store/decision-store.js';
import { ok } from '../respond.js';
import { param } from '../routes/route.js';
import { bodyOf, idOfKey, isoDate, keyOrNull, tenantOut, type V2Context, type V2Route } from './context.js';
import { decisionTypeOf, recordedOutput } from './decision-items.js';
import { search } from './search.js';
import { NotFoundError } from '../../runtime/errors.js';

const SCAN_LIMIT = 10_000;
const FIELDS = [
  'decisionEvaluationInstanceKey', 'state', 'evaluationDate', 'processDefinitionKey', 'processInstanceKey', 'elementInstanceKey', 'decisionEvaluationKey',
  'decisionDefinitionKey', 'decisionDefinitionId', 'decisionDefinitionName', 'decisionDefinitionVersion', 'decisionDefinitionType', 'rootDecisionDefinitionKey', 'tenantId',
] as const;

export function decisionInstanceRoutes(ctx: V2Context): V2Route[] {
  const store = ctx.engine.decisions.store;
  return [
    {
      method: 'post', path: '/decision-instances/search', summary: 'Search recorded decision evaluations',
      handler: (req, res) => {
        const items = ctx.keys.batch(() => {
          const records = store.queryInstances({ maxResults: SCAN_LIMIT, sortOrder: 'desc' });
          const byId = new Map(records.map((r) => [r.id, r]));
          return records.map((r) => decisionInstanceItem(ctx, r, (id) => byId.get(id) ?? store.queryInstances({ id })[0]));
        });
        ok(res, search(items, bodyOf(req), FIELDS, FIELDS));
      },
    },
    {
      method: 'get', path: '/decision-instances/:key', summary: 'Get a recorded decision evaluation with its inputs and matched rules',
      handler: (req, res) => {
        const id = idOfKey(ctx, param(req, 'key'), 'decision instance');
        const record = store.queryInstances({ id })[0];
        if (!record) throw new NotFoundError(`No decision instance with key '${param(req, 'key')}'`);
        ok(res, {
          ...decisionInstanceItem(ctx, record, (rootId) => store.queryInstances({ id: rootId })[0]),
          evaluatedInputs: record.inputs.map((input) => ({ inputId: input.clauseId, inputName: input.clauseName ?? input.clauseId, inputValue: JSON.stringify(input.value ?? null) })),
          matchedRules: record.matchedRules.map((rule) => ({
            ruleId: rule.ruleId,
            ruleIndex: rule.ruleOrder,
            evaluatedOutputs: record.outputs
              .filter((output) => output.ruleId === rule.ruleId)
              .map((output) => ({ outputId: output.clauseId, outputName: output.variableName, outputValue: JSON.stringify(output.value ?? null) })),
          })),
        });
      },
    },
  ];
}

function decisionInstanceItem(ctx: V2Context, r: DecisionInstanceRecord, recordOf: (id: string) => DecisionInstanceRecord | undefined) {
  const decision = ctx.engine.decisions.graph(r.decisionDefinitionId).decisions[r.decisionKey]!;
  const root = r.rootDecisionInstanceId === null ? r : (recordOf(r.rootDecisionInstanceId) ?? r);
  return {
    decisionEvaluationInstanceKey: ctx.keys.keyOf(r.id),
    state: 'EVALUATED',
    evaluationDate: isoDate(r.evaluatedAt),
    evaluationFailure: null,
    processDefinitionKey: keyOrNull(ctx, r.definitionId),
    processInstanceKey: keyOrNull(ctx, r.instanceId),
    elementInstanceKey: keyOrNull(ctx, r.elementInstanceId),
    decisionEvaluationKey: ctx.keys.keyOf(root.id),
    decisionDefinitionKey: ctx.keys.keyOf(r.decisionDefinitionId),
    decisionDefinitionId: r.decisionKey,
    decisionDefinitionName: r.decisionName,
    decisionDefinitionVersion: r.decisionVersion,
    decisionDefinitionType: decisionTypeOf(decision),
    rootDecisionDefinitionKey: ctx.keys.keyOf(root.decisionDefinitionId),
    result: recordedOutput(decision, r),
    tenantId: tenantOut(r.tenantId),
  };
}
