/**
 * `dmn-20-rules`: evaluations per second of a 20-rule decision table (UNIQUE, three inputs:
 * a number range, a string list, a boolean; two outputs), as a Modeler-style .dmn deployed to the
 * engine. Two figures: the evaluator alone (compiled graph, no audit), and through the engine with
 * the audit row written (`engine.evaluateDecision`, 100 in flight, group-committed).
 * No peer: bpmn-engine does not evaluate DMN.
 */
import { compileDmn, evaluateDecision } from '../../src/dmn/index.js';
import { openOurs } from '../lib/ours.js';
import { now, round } from '../lib/stats.js';
import { fmt, type Scenario } from '../lib/report.js';

const CATEGORIES = ['retail', 'travel', 'gaming', 'crypto'];

/** A 20-rule table: amount bands of 500 × category pairs, the first rule of each band also keyed on `online`. */
export function twentyRuleTable(): string {
  let rules = '';
  for (let i = 0; i < 20; i++) {
    const band = Math.floor(i / 2);
    const categories = i % 2 === 0 ? '"retail","travel"' : '"gaming","crypto"';
    rules += `      <rule id="Rule_${i + 1}">
        <inputEntry id="UnaryTests_${i}_a"><text>[${band * 500}..${(band + 1) * 500}[</text></inputEntry>
        <inputEntry id="UnaryTests_${i}_c"><text>${categories}</text></inputEntry>
        <inputEntry id="UnaryTests_${i}_o"><text>-</text></inputEntry>
        <outputEntry id="LiteralExpression_${i}_r"><text>"${['low', 'medium', 'high'][i % 3]}"</text></outputEntry>
        <outputEntry id="LiteralExpression_${i}_s"><text>${i * 5}</text></outputEntry>
      </rule>
`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" id="BenchRules" name="Bench rules" namespace="http://mlc-engine.dev/bench">
  <decision id="transactionRisk" name="Transaction risk">
    <decisionTable id="DecisionTable_risk">
      <input id="Input_amount" label="Amount"><inputExpression id="InputExpression_amount" typeRef="double"><text>amount</text></inputExpression></input>
      <input id="Input_category" label="Merchant category"><inputExpression id="InputExpression_category" typeRef="string"><text>category</text></inputExpression></input>
      <input id="Input_online" label="Online"><inputExpression id="InputExpression_online" typeRef="boolean"><text>online</text></inputExpression></input>
      <output id="Output_risk" label="Risk" name="risk" typeRef="string" />
      <output id="Output_score" label="Score" name="score" typeRef="integer" />
${rules}    </decisionTable>
  </decision>
</definitions>
`;
}

function inputs(i: number): Record<string, unknown> {
  return { amount: (i * 37) % 5000, category: CATEGORIES[i % 4], online: i % 2 === 0 };
}

export const dmn20Rules: Scenario = {
  name: 'dmn-20-rules',
  async run(ctx) {
    const xml = twentyRuleTable();
    const compiled = await compileDmn(xml);
    if (!compiled.graph) throw new Error(`the bench table does not compile: ${JSON.stringify(compiled.errors)}`);
    const graph = compiled.graph;

    const pureCount = ctx.quick ? 5_000 : 30_000;
    for (let i = 0; i < 1000; i++) evaluateDecision(graph, 'transactionRisk', inputs(i)); // warm-up
    let matched = 0;
    const pureStart = now();
    for (let i = 0; i < pureCount; i++) matched += evaluateDecision(graph, 'transactionRisk', inputs(i)).result.length;
    const pureMs = now() - pureStart;
    if (matched !== pureCount) throw new Error(`expected one matching rule per evaluation, got ${matched} for ${pureCount}`);
    const pureRate = (pureCount / pureMs) * 1000;

    const run = await openOurs('dmn');
    const engineCount = ctx.quick ? 2_000 : 10_000;
    let engineRate: number;
    try {
      await run.engine.deploy({ name: 'bench-dmn', resources: [{ name: 'rules.dmn', content: xml }] });
      const inFlight = 100;
      const evaluateAll = async (count: number) => {
        let next = 0;
        const worker = async () => {
          while (next < count) {
            const i = next++;
            await run.engine.evaluateDecision({ key: 'transactionRisk' }, inputs(i));
          }
        };
        await Promise.all(Array.from({ length: inFlight }, worker));
      };
      await evaluateAll(500); // warm-up
      const started = now();
      await evaluateAll(engineCount);
      engineRate = (engineCount / (now() - started)) * 1000;
      const audited = run.engine.decisions.store.countInstances({ decisionKey: 'transactionRisk' });
      if (audited !== engineCount + 500) throw new Error(`expected ${engineCount + 500} audit rows, found ${audited}`);
    } finally {
      await run.close();
    }
    ctx.log(`evaluator alone ${fmt(pureRate)} eval/s (${pureCount} evaluations); through the engine with audit ${fmt(engineRate)} eval/s (${engineCount}, 100 in flight)`);
    return {
      ours: {
        evaluations_per_s: round(pureRate, 0),
        evaluations: pureCount,
        engine_evaluations_per_s: round(engineRate, 0),
        engine_evaluations: engineCount,
        rules: 20,
        inputs: 3,
        outputs: 2,
        includes: 'evaluator: input expressions, unary tests, output entries, hit policy; engine: + resolve latest version + audit row, group-committed',
      },
      peer: null,
      floor: null,
      ratio_vs_peer: null,
      ratio_vs_floor: null,
      target: '≥ 5,000 eval/s with audit',
      met: engineRate >= 5_000,
      cells: { ours: `${fmt(pureRate)} eval/s alone, ${fmt(engineRate)} eval/s audited` },
    };
  },
};
