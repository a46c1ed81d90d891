/** `simple-full-sync`: the `simple` process with synchronous=FULL (durable across power loss). */
import { simpleXml } from '../lib/bpmn.js';
import type { Scenario } from '../lib/report.js';
import { runThroughput } from './throughput.js';

export const simpleFullSync: Scenario = {
  name: 'simple-full-sync',
  run: (ctx) => runThroughput({
    processKey: 'BenchSimple',
    oursXml: simpleXml('ours'),
    peerXml: null,
    topics: ['work'],
    variables: { ok: true },
    synchronous: 'FULL',
    total: ctx.quick ? 4_000 : 20_000,
    inFlight: 100,
    rounds: 2,
    peerRoundMs: 0,
    oursRoundMs: ctx.quick ? 15_000 : 60_000,
    withFloor: true,
    target: '≥ 1,500 inst/s',
    judge: (ours) => ours.perSecond >= 1500,
  }, ctx),
};
