import { beforeAll, describe, expect, it } from 'vitest';
import { DecisionEvaluationError, decisionOutput, evaluateDecision, mapDecisionResult, type DecisionGraph } from '../../src/dmn/index.js';
import { compiled } from './helpers.js';

let policies: DecisionGraph;
beforeAll(async () => {
  policies = await compiled('hit-policies.dmn');
});

const run = (decision: string, amount: unknown) => evaluateDecision(policies, decision, { amount });
const tiers = (decision: string, amount: unknown) => run(decision, amount).result.map((r) => r.tier);

describe('hit policies', () => {
  it('UNIQUE gives the one matching rule, nothing when none matches, and fails when several match', () => {
    expect(run('unique', 120).result).toEqual([{ tier: 'gold' }]);
    expect(run('unique', 60).records[0]!.matchedRules).toEqual([{ ruleId: 'unique_rule2', ruleOrder: 2 }]);
    expect(run('unique', 5).result).toEqual([]);
    expect(() => run('uniqueOverlap', 120)).toThrow(DecisionEvaluationError);
    expect(() => run('uniqueOverlap', 120)).toThrow(/Decision 'uniqueOverlap'.*UNIQUE allows one matching rule, but 2 matched: uniqueOverlap_rule1, uniqueOverlap_rule2/);
  });

  it('FIRST gives the first matching rule in rule order', () => {
    expect(tiers('first', 120)).toEqual(['silver']);
    expect(tiers('first', 1)).toEqual(['bronze']);
  });

  it('PRIORITY gives the match whose output comes first in the output values', () => {
    expect(tiers('priority', 120)).toEqual(['gold']);
    expect(tiers('priority', 60)).toEqual(['silver']);
    expect(run('priority', 120).records[0]!.matchedRules).toEqual([{ ruleId: 'priority_rule3', ruleOrder: 3 }]);
  });

  it('ANY accepts agreeing matches and refuses disagreeing ones', () => {
    expect(tiers('any', 120)).toEqual(['gold']);
    expect(() => run('anyConflict', 120)).toThrow(/ANY needs every matching rule to give the same outputs/);
  });

  it('RULE ORDER lists matches in rule order, OUTPUT ORDER by output value priority', () => {
    expect(tiers('ruleOrder', 120)).toEqual(['bronze', 'gold', 'silver']);
    expect(tiers('outputOrder', 120)).toEqual(['gold', 'silver', 'bronze']);
    expect(tiers('outputOrder', 60)).toEqual(['silver', 'bronze']);
  });

  it('COLLECT lists every match; SUM, MIN, MAX and COUNT aggregate them', () => {
    expect(run('collect', 120).result).toEqual([{ points: 10 }, { points: 20 }, { points: 30 }]);
    expect(run('collectSum', 120).result).toEqual([{ points: 60 }]);
    expect(run('collectSum', 120).records[0]!.collectResultValue).toBe(60);
    expect(run('collectMin', 60).result).toEqual([{ points: 10 }]);
    expect(run('collectMax', 60).result).toEqual([{ points: 20 }]);
    expect(run('collectCount', 120).result).toEqual([{ points: 3 }]);
    expect(run('collectCount', 1).result).toEqual([{ points: 0 }]);
    expect(run('collectSum', 1).result).toEqual([]);
  });

  it('shapes results for Camunda 8 (value, list, aggregate) and for Camunda 7 mapDecisionResult', () => {
    const decisions = policies.decisions;
    expect(decisionOutput(decisions.unique!, run('unique', 120).result)).toBe('gold');
    expect(decisionOutput(decisions.unique!, run('unique', 1).result)).toBeNull();
    expect(decisionOutput(decisions.collect!, run('collect', 60).result)).toEqual([10, 20]);
    expect(decisionOutput(decisions.collectSum!, run('collectSum', 60).result)).toBe(30);
    const list = run('collect', 120).result;
    expect(mapDecisionResult(list, 'collectEntries')).toEqual([10, 20, 30]);
    expect(mapDecisionResult(list, 'resultList')).toEqual(list);
    expect(() => mapDecisionResult(list, 'singleEntry')).toThrow(/at most one rule result, but the decision gave 3/);
    expect(mapDecisionResult([{ tier: 'gold' }], 'singleEntry')).toBe('gold');
    expect(mapDecisionResult([{ tier: 'gold' }], 'singleResult')).toEqual({ tier: 'gold' });
    expect(mapDecisionResult([], 'singleResult')).toBeNull();
    expect(() => mapDecisionResult([{ a: 1, b: 2 }], 'singleEntry')).toThrow(/use singleResult/);
  });
});

describe('inputs, types and the requirements graph', () => {
  it('coerces inputs to their type and refuses values that do not fit', () => {
    expect(tiers('unique', '120')).toEqual(['gold']);
    expect(() => run('unique', 'lots')).toThrow(/input 'Amount': value 'lots' is not of type 'integer'/);
    expect(() => run('unique', 1.5)).toThrow(/is not of type 'integer'/);
  });

  it('reads a missing input variable as null instead of failing', () => {
    const evaluation = evaluateDecision(policies, 'first', {});
    expect(evaluation.result).toEqual([{ tier: 'bronze' }]);
    expect(evaluation.records[0]!.inputs).toEqual([{ clauseId: 'Input_first', clauseName: 'Amount', value: null }]);
  });

  it('evaluates required decisions first and passes their outputs on', async () => {
    const dinner = await compiled('dish.dmn');
    const evaluation = evaluateDecision(dinner, 'dish', { month: 1, guestCount: 4 });
    expect(evaluation.result).toEqual([{ desiredDish: 'Roastbeef' }]);
    expect(evaluation.records.map((r) => r.decisionId)).toEqual(['season', 'dish']);
    expect(evaluation.records[0]!.matchedRules).toEqual([{ ruleId: 'Rule_winter', ruleOrder: 1 }]);
    expect(evaluation.records[1]!.inputs.map((i) => i.value)).toEqual(['Winter', 4]);
    expect(evaluateDecision(dinner, 'dish', { month: 7, guestCount: 30 }).result).toEqual([{ desiredDish: 'Light Salad and nice Steak' }]);
    expect(evaluateDecision(dinner, 'dish', { month: 10, guestCount: 12 }).result).toEqual([{ desiredDish: 'Stew' }]);
  });

  it('evaluates literal expressions with their variable name and type', async () => {
    const risk = await compiled('risk-score.dmn');
    expect(evaluateDecision(risk, 'riskScore', { amount: 100, country: 'US' }).result).toEqual([{ riskScore: 150 }]);
    expect(evaluateDecision(risk, 'riskScore', { amount: 100, country: 'FR' }).result).toEqual([{ riskScore: 200 }]);
    expect(evaluateDecision(risk, 'riskScore', { country: 'FR' }).result).toEqual([{ riskScore: null }]);
  });

  it('names the decision, rule and entry when an entry cannot be evaluated', async () => {
    const risk = await compiled('risk-score.dmn');
    const broken = structuredClone(risk);
    const table = broken.decisions.riskFactor!.logic;
    if (table.kind !== 'table') throw new Error('expected a table');
    table.rules[0]!.inputEntries[0] = { id: 'UnaryTests_0a1', source: 'for i in 1..100000000 return i' };
    expect(() => evaluateDecision(broken, 'riskFactor', { country: 'DE' })).toThrow(/Decision 'riskFactor' \(Risk factor\): input entry .* of rule 'Rule_de'/);
  });
});

describe('Camunda 7 details', () => {
  it('evaluates JUEL input expressions, and names the input value by camunda:inputVariable', async () => {
    const xml = (await import('./helpers.js')).fixture('hit-policies.dmn')
      .replace('<inputExpression id="InputExpression_first" typeRef="integer">\n          <text>amount</text>', '<inputExpression id="InputExpression_first" typeRef="integer" expressionLanguage="juel">\n          <text>${order.amount}</text>')
      .replace('<input id="Input_first" label="Amount" biodi:width="192">', '<input id="Input_first" label="Amount" biodi:width="192" camunda:inputVariable="total">')
      .replace('xmlns:biodi=', 'xmlns:camunda="http://camunda.org/schema/1.0/dmn" xmlns:biodi=')
      .replace('<rule id="first_rule1">\n        <inputEntry id="UnaryTests_000000b">\n          <text>&gt;= 50</text>', '<rule id="first_rule1">\n        <inputEntry id="UnaryTests_000000b">\n          <text>total &gt;= 50 and total &lt; 1000</text>');
    const { compileDmn } = await import('../../src/dmn/index.js');
    const result = await compileDmn(xml);
    expect(result.errors).toEqual([]);
    const graph = result.graph!;
    const table = graph.decisions.first!.logic;
    expect(table.kind === 'table' && table.inputs[0]).toMatchObject({ expression: { language: 'juel', source: '${order.amount}' }, inputVariable: 'total' });
    expect(table.kind === 'table' && table.rules[0]!.inputEntries[0]!.simple).toBeUndefined();
    expect(evaluateDecision(graph, 'first', { order: { amount: 120 } }).result).toEqual([{ tier: 'silver' }]);
    expect(evaluateDecision(graph, 'first', { order: { amount: 5000 } }).result).toEqual([{ tier: 'gold' }]);
    expect(evaluateDecision(graph, 'first', { order: { amount: 5 } }).result).toEqual([{ tier: 'bronze' }]);
    // JUEL reading a variable nobody set: null, as for FEEL
    expect(evaluateDecision(graph, 'first', {}).records[0]!.inputs[0]!.value).toBeNull();
  });
});
