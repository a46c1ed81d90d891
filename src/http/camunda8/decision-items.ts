/**
 * Camunda 8 shapes of deployed decisions: Camunda 8's decisionDefinitionId is our decision key (the
 * `decision` id in the XML), its decisionDefinitionKey our definition id; a decision requirements
 * graph (one `.dmn` file) is the `definitions` element, one per file per deployment.
 */
import { decisionOutput, type Decision, type RuleResult } from '../../dmn/index.js';
import type { DecisionDefinitionRecord, DecisionInstanceRecord } from '../../store/decision-store.js';
import { tenantOut, type V2Context } from './context.js';

/** The key of the decision requirements graph a decision was deployed with. */
export const requirementsKeyOf = (ctx: V2Context, d: DecisionDefinitionRecord): string => ctx.keys.keyOf(`drd:${d.deploymentId}:${d.drdKey}`);

export function decisionDefinitionItem(ctx: V2Context, d: DecisionDefinitionRecord) {
  return {
    decisionDefinitionId: d.key,
    name: d.name,
    version: d.version,
    decisionRequirementsId: d.drdKey,
    tenantId: tenantOut(d.tenantId),
    decisionDefinitionKey: ctx.keys.keyOf(d.id),
    decisionRequirementsKey: requirementsKeyOf(ctx, d),
  };
}

/**
 * The decision requirements graph `d` was deployed with. Zeebe versions the graph apart from its
 * decisions; every decision of a changed file gets a new version, so the highest version among
 * the graph's decisions in that deployment counts the graph's deployments too.
 */
export function decisionRequirementsItem(ctx: V2Context, d: DecisionDefinitionRecord) {
  const decisions = ctx.engine.decisions;
  const version = Math.max(...decisions.store.queryDefinitions({ deploymentId: d.deploymentId, drdKey: d.drdKey }).map((other) => other.version), d.version);
  return {
    decisionRequirementsId: d.drdKey,
    decisionRequirementsName: decisions.graph(d.id).name ?? d.drdKey,
    version,
    resourceName: d.resourceName,
    tenantId: tenantOut(d.tenantId),
    decisionRequirementsKey: requirementsKeyOf(ctx, d),
  };
}

export const decisionTypeOf = (decision: Decision): 'DECISION_TABLE' | 'LITERAL_EXPRESSION' => (decision.logic.kind === 'table' ? 'DECISION_TABLE' : 'LITERAL_EXPRESSION');

/** A recorded evaluation's Camunda 8 output, as JSON text. */
export function recordedOutput(decision: Decision, record: DecisionInstanceRecord): string {
  return JSON.stringify(decisionOutput(decision, resultOf(decision, record)));
}

/** A decision's rule results, rebuilt from its audit row (one entry per rule, in rule order). */
function resultOf(decision: Decision, record: DecisionInstanceRecord): RuleResult[] {
  const logic = decision.logic;
  if (logic.kind === 'table' && logic.aggregation !== undefined) {
    return record.collectResultValue === null || record.collectResultValue === undefined ? [] : [{ [logic.outputs[0]!.name]: record.collectResultValue }];
  }
  const byRule = new Map<string, RuleResult>();
  for (const output of record.outputs) {
    const entry = byRule.get(output.ruleId) ?? {};
    entry[output.variableName] = output.value;
    byRule.set(output.ruleId, entry);
  }
  return [...byRule.values()];
}
