/**
 * Evaluates a decision and, first, the decisions it requires (the decision requirements graph).
 * Input expressions and output entries are FEEL (or JUEL) through src/expressions; input entries
 * are FEEL unary tests against the input value (`?`, or the column's input variable). A missing
 * input variable is null. Each decision evaluated gives a record for the audit trail.
 */
import type { Expression } from '../bpmn/graph.js';
import { evaluate, ExpressionError, type EvaluationContext } from '../expressions/index.js';
import { EvaluationFailure } from '../expressions/evaluation-failure.js';
import { passesUnaryTests } from '../expressions/feel-unary-tests.js';
import { toFeelContext } from '../expressions/feel-values.js';
import { DecisionEvaluationError } from './errors.js';
import type { Decision, DecisionGraph, DecisionTable, LiteralExpressionLogic } from './graph.js';
import { applyHitPolicy, HitPolicyViolation, type MatchedRule, type RuleResult } from './hit-policy.js';
import { decisionOutput } from './result.js';
import { CoercionError, coerce } from './type-refs.js';
import { passesSimpleTests } from './simple-tests.js';
import { isPlainObject } from '../expressions/juel-values.js';

type Variables = Readonly<Record<string, unknown>>;

export interface EvaluatedInput {
  clauseId: string;
  clauseName: string | null;
  value: unknown;
}

export interface EvaluatedOutput {
  clauseId: string;
  clauseName: string | null;
  variableName: string;
  ruleId: string;
  ruleOrder: number;
  value: unknown;
}

/** One decision's evaluation, as the audit trail keeps it. */
export interface DecisionRecord {
  decisionId: string;
  decisionName: string | null;
  inputs: EvaluatedInput[];
  /** one entry per output of each rule that makes up the result */
  outputs: EvaluatedOutput[];
  matchedRules: Array<{ ruleId: string; ruleOrder: number }>;
  result: RuleResult[];
  /** COLLECT with an aggregation */
  collectResultValue?: unknown;
}

export interface DrgEvaluation {
  decisionId: string;
  /** the root decision's result: one map of output name → value per rule result */
  result: RuleResult[];
  /** every decision evaluated, required decisions first, the root last */
  records: DecisionRecord[];
}

export function evaluateDecision(graph: DecisionGraph, decisionId: string, variables: Variables, context?: EvaluationContext): DrgEvaluation {
  const root = graph.decisions[decisionId];
  if (!root) throw new DecisionEvaluationError(`Decision '${decisionId}' is not defined in '${graph.id}'`, decisionId);
  const records: DecisionRecord[] = [];
  const done = new Map<string, DecisionRecord>();
  const run = (decision: Decision): DecisionRecord => {
    const known = done.get(decision.id);
    if (known) return known;
    let scope: Record<string, unknown> = variables as Record<string, unknown>;
    if (decision.requiredDecisions.length > 0) {
      scope = { ...variables };
      for (const requiredId of decision.requiredDecisions) {
        const required = graph.decisions[requiredId]!;
        exposeResult(scope, required, run(required).result);
      }
    }
    const record = evaluateOne(decision, scope, context);
    done.set(decision.id, record);
    records.push(record);
    return record;
  };
  return { decisionId, result: run(root).result, records };
}

/**
 * A required decision's result as variables of the decision that needs it: by output name
 * (Camunda 7: the value, or a list of values when several rules gave results) and by decision id
 * (Camunda 8: the decision's output, see `decisionOutput`).
 */
function exposeResult(scope: Record<string, unknown>, decision: Decision, result: RuleResult[]): void {
  const names = new Set(result.flatMap((entry) => Object.keys(entry)));
  for (const name of names) scope[name] = result.length === 1 ? result[0]![name] : result.map((entry) => entry[name] ?? null);
  scope[decision.id] = decisionOutput(decision, result);
}

function evaluateOne(decision: Decision, variables: Variables, context: EvaluationContext | undefined): DecisionRecord {
  switch (decision.logic.kind) {
    case 'table':
      return evaluateTable(decision, decision.logic, variables, context);
    case 'literal':
      return evaluateLiteral(decision, decision.logic, variables, context);
  }
}

function fail(decision: Decision, message: string): DecisionEvaluationError {
  return new DecisionEvaluationError(`Decision '${decision.id}'${decision.name ? ` (${decision.name})` : ''}: ${message}`, decision.id);
}

/** An expression's value; a variable the expression reads but nobody set is null. */
function valueOf(decision: Decision, expression: Expression, variables: Variables, what: string, context: EvaluationContext | undefined): unknown {
  try {
    return evaluate(expression, variables, context) ?? null;
  } catch (error) {
    if (error instanceof ExpressionError) {
      if (error.variable !== undefined && !(error.variable in variables) && expression.language === 'juel') return null;
      throw fail(decision, `${what}: ${error.message}`);
    }
    throw error;
  }
}

function coerced(decision: Decision, value: unknown, typeRef: string | undefined, what: string): unknown {
  try {
    return coerce(value, typeRef);
  } catch (error) {
    if (error instanceof CoercionError) throw fail(decision, `${what}: ${error.message}`);
    throw error;
  }
}

function evaluateTable(decision: Decision, table: DecisionTable, variables: Variables, context: EvaluationContext | undefined): DecisionRecord {
  const inputs: EvaluatedInput[] = table.inputs.map((input) => {
    const what = `input '${input.label ?? input.id}'`;
    const direct = input.variablePath ? readPath(variables, input.variablePath) : undefined;
    const raw = direct !== undefined ? direct : valueOf(decision, input.expression, variables, what, context);
    return { clauseId: input.id, clauseName: input.label ?? null, value: coerced(decision, raw, input.typeRef, what) };
  });
  // contexts for the entries feelin evaluates, built on first use (simple entries need none)
  let testContexts: Array<Record<string, unknown>> | undefined;
  const testContext = (i: number): Record<string, unknown> => {
    if (!testContexts) {
      const feelVariables = toFeelContext(variables);
      testContexts = table.inputs.map((input, k) => ({ ...feelVariables, '?': inputs[k]!.value, [input.inputVariable]: inputs[k]!.value }));
    }
    return testContexts[i]!;
  };

  const matched: MatchedRule[] = [];
  table.rules.forEach((rule, index) => {
    for (let i = 0; i < rule.inputEntries.length; i++) {
      const entry = rule.inputEntries[i]!;
      if (entry.source === '') continue;
      if (entry.simple) {
        if (!passesSimpleTests(entry.simple, inputs[i]!.value)) return;
        continue;
      }
      try {
        if (!passesUnaryTests(entry.source, testContext(i), context?.maxFeelSteps)) return;
      } catch (error) {
        if (error instanceof EvaluationFailure) throw fail(decision, `input entry '${entry.source}' of rule '${rule.id}': ${error.message}`);
        throw error;
      }
    }
    const outputs: RuleResult = {};
    table.outputs.forEach((output, o) => {
      const entry = rule.outputEntries[o];
      const what = `output '${output.name}' of rule '${rule.id}'`;
      const raw = entry?.constant ? entry.constant.value : entry?.expression ? valueOf(decision, entry.expression, variables, what, context) : null;
      outputs[output.name] = coerced(decision, raw, output.typeRef, what);
    });
    matched.push({ ruleId: rule.id, ruleOrder: index + 1, outputs });
  });

  let applied;
  try {
    applied = applyHitPolicy(table, matched);
  } catch (error) {
    if (error instanceof HitPolicyViolation) throw fail(decision, error.message);
    throw error;
  }
  const record: DecisionRecord = {
    decisionId: decision.id,
    decisionName: decision.name ?? null,
    inputs,
    outputs: applied.selected.flatMap((rule) =>
      table.outputs.map((output) => ({
        clauseId: output.id,
        clauseName: output.label ?? null,
        variableName: output.name,
        ruleId: rule.ruleId,
        ruleOrder: rule.ruleOrder,
        value: rule.outputs[output.name] ?? null,
      })),
    ),
    matchedRules: applied.selected.map((rule) => ({ ruleId: rule.ruleId, ruleOrder: rule.ruleOrder })),
    result: applied.result,
  };
  if (applied.collectResultValue !== undefined) record.collectResultValue = applied.collectResultValue;
  return record;
}

function evaluateLiteral(decision: Decision, logic: LiteralExpressionLogic, variables: Variables, context: EvaluationContext | undefined): DecisionRecord {
  const what = `literal expression '${logic.id}'`;
  const value = coerced(decision, valueOf(decision, logic.expression, variables, what, context), logic.typeRef, what);
  return {
    decisionId: decision.id,
    decisionName: decision.name ?? null,
    inputs: [],
    outputs: [{ clauseId: logic.id, clauseName: null, variableName: logic.variableName, ruleId: '', ruleOrder: 0, value }],
    matchedRules: [],
    result: [{ [logic.variableName]: value }],
  };
}

/**
 * A FEEL variable path read directly: a missing variable or a step into a scalar is null, as in
 * FEEL. undefined when only feelin can say (a step into a list maps over it).
 */
function readPath(variables: Variables, path: string[]): unknown {
  let current: unknown = variables;
  for (const name of path) {
    if (Array.isArray(current)) return undefined;
    if (current === null || typeof current !== 'object' || (current !== variables && !isPlainObject(current)) || !Object.hasOwn(current, name)) return null;
    current = (current as Record<string, unknown>)[name];
  }
  if (typeof current === 'number' && !Number.isFinite(current)) return null;
  return current ?? null;
}
