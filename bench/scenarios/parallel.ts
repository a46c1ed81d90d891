/** `parallel`: fork to three service tasks, join, end; 100 in flight. */
import { parallelXml } from '../lib/bpmn.js';
import type { Scenario } from '../lib/report.js';
import { runThroughput } from './throughput.js';

export const parallel: Scenario = {
  name: 'parallel',
  run: (ctx) => runThroughput({
    processKey: 'BenchParallel',
    oursXml: parallelXml(),
    peerXml: parallelXml(),
    topics: ['a', 'b', 'c'],
    variables: {},
    synchronous: 'NORMAL',
    total: ctx.quick ? 3_000 : 10_000,
    inFlight: 100,
    rounds: 2,
    peerRoundMs: ctx.quick ? 3_000 : 10_000,
    oursRoundMs: ctx.quick ? 15_000 : 60_000,
    withFloor: false,
    target: '≥ 40× peer',
    judge: (ours, peer) => !!peer && ours.perSecond >= 40 * peer.perSecond,
  }, ctx),
};
