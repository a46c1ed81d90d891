import { describe, expect, it } from 'vitest';
import { compileDmn } from '../../src/dmn/index.js';
import { compiled, fixture } from './helpers.js';

describe('compiling DMN as Camunda Modeler saves it', () => {
  it('compiles a decision requirements graph into plain JSON', async () => {
    const graph = await compiled('dish.dmn');
    expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
    expect(graph.id).toBe('dinnerDecisions');
    expect(Object.keys(graph.decisions)).toEqual(['dish', 'season']);
    const dish = graph.decisions.dish!;
    expect(dish.requiredDecisions).toEqual(['season']);
    expect(dish.versionTag).toBe('v1');
    expect(dish.line).toBe(3);
    expect(dish.logic.kind).toBe('table');
    if (dish.logic.kind !== 'table') return;
    expect(dish.logic.hitPolicy).toBe('UNIQUE');
    expect(dish.logic.inputs.map((i) => [i.id, i.typeRef, i.inputVariable])).toEqual([
      ['Input_season', 'string', 'cellInput'],
      ['Input_guests', 'integer', 'cellInput'],
    ]);
    expect(dish.logic.rules[4]!.inputEntries[1]!.source).toBe('');
    const season = graph.decisions.season!;
    expect(season.logic.kind === 'table' && season.logic.inputs[0]!.inputVariable).toBe('month');
  });

  it('compiles literal expressions and every hit policy', async () => {
    const risk = await compiled('risk-score.dmn');
    expect(risk.decisions.riskScore!.logic).toMatchObject({ kind: 'literal', variableName: 'riskScore', typeRef: 'number' });
    const policies = await compiled('hit-policies.dmn');
    const kinds = Object.values(policies.decisions).map((d) => (d.logic.kind === 'table' ? `${d.logic.hitPolicy}${d.logic.aggregation ? ' ' + d.logic.aggregation : ''}` : 'literal'));
    expect(new Set(kinds)).toEqual(new Set(['UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'RULE ORDER', 'OUTPUT ORDER', 'COLLECT', 'COLLECT SUM', 'COLLECT MIN', 'COLLECT MAX', 'COLLECT COUNT']));
  });

  it('reports every problem with element id, line and column, and gives no graph', async () => {
    const result = await compileDmn(fixture('invalid.dmn'));
    expect(result.graph).toBeUndefined();
    const byId = (id: string) => result.errors.find((e) => e.elementId === id);
    expect(byId('DecisionTable_sometimes')).toMatchObject({ line: 4, column: 5 });
    expect(byId('DecisionTable_sometimes')!.message).toMatch(/Unknown hit policy 'SOMETIMES'/);
    expect(byId('UnaryTests_broken')).toMatchObject({ line: 12, column: 9 });
    expect(byId('UnaryTests_broken')!.message).toMatch(/Invalid input entry '>=': .*column/);
    expect(byId('LiteralExpression_high')!.message).toMatch(/"high" does not fit output 'score'.*'number'/);
    expect(byId('Output_money')!.message).toMatch(/Unknown type 'money'/);
    const cycle = result.errors.filter((e) => /Cycle in required decisions/.test(e.message));
    expect(cycle).toHaveLength(1);
    expect(cycle[0]!.message).toMatch(/chicken → egg → chicken|egg → chicken → egg/);
    expect(cycle[0]!.line).toBeGreaterThan(0);
  });

  it('refuses malformed XML, entities, old DMN versions and tables that break their own rules', async () => {
    const malformed = await compileDmn('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="x"><decision id="d"></definitions>');
    expect(malformed.errors[0]!.message).toMatch(/Malformed XML/);
    const entity = await compileDmn('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><definitions/>');
    expect(entity.errors[0]!.message).toMatch(/DOCTYPE/);
    const old = await compileDmn('<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" id="x"></definitions>');
    expect(old.errors[0]!.message).toMatch(/DMN 1.1 is not supported/);
    const xml = fixture('hit-policies.dmn')
      .replace('<decisionTable id="DecisionTable_first" hitPolicy="FIRST">', '<decisionTable id="DecisionTable_first" hitPolicy="FIRST" aggregation="SUM">')
      .replace('<text>"gold","silver","bronze"</text>\n        </outputValues>\n      </output>\n      <rule id="priority_rule1">', '<text>"gold","silver","bronze"</text>\n        </outputValues>\n      </output>\n      <rule id="priority_rule1">');
    const broken = await compileDmn(xml.replace(/(<output id="Output_priority"[^>]*>)\s*<outputValues[\s\S]*?<\/outputValues>/, '$1'));
    const messages = broken.errors.map((e) => `${e.elementId}: ${e.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/DecisionTable_first: Aggregation SUM is only allowed with hit policy COLLECT/));
    expect(messages).toContainEqual(expect.stringMatching(/DecisionTable_priority: Hit policy PRIORITY orders results by the output values/));
  });

  it('refuses an output entry outside its allowed values', async () => {
    const xml = fixture('hit-policies.dmn').replace('<text>"gold"</text>', '<text>"platinum"</text>');
    const result = await compileDmn(xml);
    expect(result.errors.map((e) => e.message)).toContainEqual(expect.stringMatching(/"platinum" is not one of the allowed values of output 'tier'/));
  });
});
