/** `simple`: start → service task → exclusive gateway → end, 100 in flight, WAL + synchronous=NORMAL. */
import { simpleXml } from '../lib/bpmn.js';
import type { Scenario } from '../lib/report.js';
import { runThroughput } from './throughput.js';

export const simple: Scenario = {
  name: 'simple',
  run: (ctx) => runThroughput({
    processKey: 'BenchSimple',
    oursXml: simpleXml('ours'),
    peerXml: simpleXml('peer'),
    topics: ['work'],
    variables: { ok: true },
    synchronous: 'NORMAL',
    total: ctx.quick ? 5_000 : 20_000,
    inFlight: 100,
    rounds: 2,
    peerRoundMs: ctx.quick ? 3_000 : 10_000,
    oursRoundMs: ctx.quick ? 15_000 : 60_000,
    withFloor: true,
    target: '≥ 50× peer and ≥ 20% of floor',
    judge: (ours, peer, floor) => !!peer && !!floor && ours.perSecond >= 50 * peer.perSecond && ours.perSecond >= 0.2 * floor.perSecond,
  }, ctx),
};
