/**
 * Hit policies: from the rules that matched (in rule order, outputs evaluated) to the table's
 * result. Single-hit policies give at most one rule result; multi-hit policies a list; COLLECT
 * with an aggregation one value.
 */
import type { DecisionTable, OutputClause } from './graph.js';
import { isDeepStrictEqual } from 'node:util';

export type RuleResult = Record<string, unknown>;

export interface MatchedRule {
  ruleId: string;
  /** 1-based position of the rule in the table */
  ruleOrder: number;
  outputs: RuleResult;
}

export interface TableResult {
  /** the rules whose outputs make up the result (for COLLECT with aggregation: every matched rule) */
  selected: MatchedRule[];
  result: RuleResult[];
  /** COLLECT with SUM/MIN/MAX/COUNT: the aggregated value */
  collectResultValue?: unknown;
}

/** Thrown when the matches break the hit policy; the caller names the decision. */
export class HitPolicyViolation extends Error {}

export function applyHitPolicy(table: DecisionTable, matched: MatchedRule[]): TableResult {
  switch (table.hitPolicy) {
    case 'UNIQUE':
      if (matched.length > 1) {
        throw new HitPolicyViolation(`hit policy UNIQUE allows one matching rule, but ${matched.length} matched: ${ids(matched)}`);
      }
      return single(matched[0]);
    case 'FIRST':
      return single(matched[0]);
    case 'ANY': {
      const first = matched[0];
      const differing = matched.find((rule) => !isDeepStrictEqual(rule.outputs, first!.outputs));
      if (differing) {
        throw new HitPolicyViolation(`hit policy ANY needs every matching rule to give the same outputs, but ${first!.ruleId} and ${differing.ruleId} differ (matched: ${ids(matched)})`);
      }
      return single(first);
    }
    case 'PRIORITY':
      return single(byPriority(table.outputs, matched)[0]);
    case 'OUTPUT ORDER':
      return all(byPriority(table.outputs, matched));
    case 'RULE ORDER':
      return all(matched);
    case 'COLLECT':
      return table.aggregation === undefined ? all(matched) : aggregate(table, matched);
  }
}

function ids(rules: MatchedRule[]): string {
  return rules.map((rule) => rule.ruleId).join(', ');
}

function single(rule: MatchedRule | undefined): TableResult {
  return rule === undefined ? { selected: [], result: [] } : { selected: [rule], result: [rule.outputs] };
}

function all(rules: MatchedRule[]): TableResult {
  return { selected: rules, result: rules.map((rule) => rule.outputs) };
}

/** Stable sort by each output's position in its allowed values (first = highest), output by output. */
function byPriority(outputs: OutputClause[], rules: MatchedRule[]): MatchedRule[] {
  const rank = (rule: MatchedRule): number[] =>
    outputs.filter((o) => o.allowedValues).map((o) => {
      const index = o.allowedValues!.findIndex((allowed) => isDeepStrictEqual(allowed, rule.outputs[o.name]));
      return index === -1 ? Number.MAX_SAFE_INTEGER : index;
    });
  return rules
    .map((rule) => ({ rule, key: rank(rule) }))
    .sort((a, b) => {
      for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i]! - b.key[i]!;
      return a.rule.ruleOrder - b.rule.ruleOrder;
    })
    .map((entry) => entry.rule);
}

/**
 * COLLECT with an aggregation, as Camunda does: COUNT counts the non-null output values (0 when
 * nothing matched); SUM, MIN and MAX need numbers and give no result when nothing matched.
 */
function aggregate(table: DecisionTable, matched: MatchedRule[]): TableResult {
  const name = table.outputs[0]!.name;
  const values = matched.map((rule) => rule.outputs[name]).filter((value) => value !== null && value !== undefined);
  const aggregation = table.aggregation!;
  let value: unknown;
  if (aggregation === 'COUNT') {
    value = values.length;
  } else {
    if (values.length === 0) return { selected: matched, result: [], collectResultValue: null };
    const numbers = values.map((v) => {
      if (typeof v !== 'number') throw new HitPolicyViolation(`COLLECT ${aggregation} needs numbers, but output '${name}' is ${JSON.stringify(v)}`);
      return v;
    });
    switch (aggregation) {
      case 'SUM':
        value = numbers.reduce((sum, n) => sum + n, 0);
        break;
      case 'MIN':
        value = Math.min(...numbers);
        break;
      case 'MAX':
        value = Math.max(...numbers);
        break;
    }
  }
  return { selected: matched, result: [{ [name]: value }], collectResultValue: value };
}
