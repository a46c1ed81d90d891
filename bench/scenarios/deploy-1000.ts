/**
 * `deploy-1000`: parse, validate, compile and store a generated 1,000-element diagram (with DI),
 * median of N deploys (each with its own process id, so nothing is filtered as a duplicate);
 * bpmn-engine parses the same text into its definitions, alternating with ours.
 */
import { largeXml } from '../lib/bpmn.js';
import { openOurs } from '../lib/ours.js';
import { peerParseMs } from '../lib/peer.js';
import { median, percentile, now, round } from '../lib/stats.js';
import { fmt, type Scenario } from '../lib/report.js';

export const deploy1000: Scenario = {
  name: 'deploy-1000',
  async run(ctx) {
    const runs = ctx.quick ? 7 : 21;
    const elements = 1000;
    const run = await openOurs('deploy');
    const ours: number[] = [];
    const peer: number[] = [];
    let size = 0;
    try {
      for (let i = -2; i < runs; i++) {
        const xml = largeXml(elements, `BenchLarge_${i + 3}`);
        size = xml.length;
        const started = now();
        const result = await run.engine.deploy({ name: `large-${i}`, duplicateFiltering: false, resources: [{ name: 'large.bpmn', content: xml }] });
        const ms = now() - started;
        if (!result.definitions?.length) throw new Error('the large diagram deployed no definition');
        const peerMs = await peerParseMs(xml);
        if (i >= 0) {
          ours.push(ms);
          peer.push(peerMs);
        }
      }
    } finally {
      await run.close();
    }
    const o = median(ours);
    const p = median(peer);
    ctx.log(`ours median ${fmt(o, 1)} ms, bpmn-engine median ${fmt(p, 1)} ms`);
    return {
      ours: { median_ms: round(o, 1), p90_ms: round(percentile(ours, 90), 1), runs, elements, xml_bytes: size, includes: 'parse + validate + compile + store (one transaction)' },
      peer: { median_ms: round(p, 1), p90_ms: round(percentile(peer, 90), 1), runs, includes: 'moddle parse + serialise + Definition (getDefinitions)' },
      floor: null,
      ratio_vs_peer: p / o,
      ratio_vs_floor: null,
      target: '≤ 100 ms median, faster than peer',
      met: o <= 100 && o < p,
      cells: { ours: `${fmt(o, 1)} ms`, peer: `${fmt(p, 1)} ms` },
    };
  },
};
