/**
 * Shared by `simple`, `simple-full-sync` and `parallel`: ours, bpmn-engine and the raw SQLite
 * floor measured in alternating rounds after a warm-up, in one process.
 */
import type { Synchronous } from '../../src/store/database.js';
import { openOurs, loadOurs } from '../lib/ours.js';
import { preparePeer } from '../lib/peer.js';
import { sqliteFloor, type FloorResult } from '../lib/floor.js';
import { combine, round, RssSampler, mb, runInFlight, type LoadResult } from '../lib/stats.js';
import { fmt, type ScenarioContext, type ScenarioOutcome } from '../lib/report.js';

export interface ThroughputSpec {
  processKey: string;
  oursXml: string;
  peerXml: string | null;
  topics: string[];
  variables: Record<string, unknown>;
  synchronous: Synchronous;
  total: number;
  inFlight: number;
  rounds: number;
  /** time bound of one round of the peer (ms) */
  peerRoundMs: number;
  /** time bound of one round of ours (ms) */
  oursRoundMs: number;
  withFloor: boolean;
  target: string;
  judge(ours: LoadResult, peer: LoadResult | null, floor: FloorResult | null): boolean;
}

function load(r: LoadResult) {
  return {
    instances: r.completed,
    failed: r.failed,
    seconds: round(r.elapsedMs / 1000, 2),
    instances_per_s: round(r.perSecond, 1),
    ...(r.timedOut ? { time_bounded: true } : {}),
    ...(r.firstError ? { first_error: r.firstError } : {}),
  };
}

async function oursRound(spec: ThroughputSpec, count: number, maxMs: number): Promise<LoadResult> {
  const run = await openOurs(spec.processKey, { synchronous: spec.synchronous });
  try {
    for (const topic of spec.topics) run.engine.handle(topic, () => ({}));
    await run.engine.deploy({ name: 'bench', resources: [{ name: 'bench.bpmn', content: spec.oursXml }] });
    return await loadOurs(run, spec.processKey, count, spec.inFlight, maxMs, spec.variables);
  } finally {
    await run.close();
  }
}

export async function runThroughput(spec: ThroughputSpec, ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const peer = spec.peerXml ? await preparePeer(spec.peerXml, spec.topics) : null;
  // warm-up: JIT, prepared statements, the peer's code paths
  await oursRound(spec, Math.min(1000, spec.total), 10_000);
  if (peer) for (let i = 0; i < 50; i++) await peer.run(spec.variables);
  if (spec.withFloor) sqliteFloor(spec.synchronous, 1000, 2000);

  const ours: LoadResult[] = [];
  const peers: LoadResult[] = [];
  const floors: FloorResult[] = [];
  const perRound = Math.ceil(spec.total / spec.rounds);
  const rss = new RssSampler();
  for (let round = 0; round < spec.rounds; round++) {
    const o = await oursRound(spec, perRound, spec.oursRoundMs);
    ours.push(o);
    ctx.log(`round ${round + 1}: ours ${fmt(o.perSecond)} instances/s (${o.completed})`);
    if (peer) {
      const p = await runPeer(peer, perRound, spec);
      peers.push(p);
      ctx.log(`round ${round + 1}: bpmn-engine ${fmt(p.perSecond)} instances/s (${p.completed}${p.timedOut ? ', time-bounded' : ''})`);
    }
    if (spec.withFloor) {
      const f = sqliteFloor(spec.synchronous, spec.synchronous === 'FULL' ? 20_000 : 100_000, 3000);
      floors.push(f);
      ctx.log(`round ${round + 1}: raw SQLite ${fmt(f.perSecond)} transactions/s`);
    }
  }
  const peakRss = rss.stop();
  const o = combine(ours);
  const p = peers.length ? combine(peers) : null;
  const f = floors.length
    ? { transactions: floors.reduce((s, x) => s + x.transactions, 0), elapsedMs: floors.reduce((s, x) => s + x.elapsedMs, 0), perSecond: 0 }
    : null;
  if (f) f.perSecond = (f.transactions / f.elapsedMs) * 1000;
  const met = o.failed === 0 && o.completed > 0 && spec.judge(o, p, f);
  return {
    ours: { ...load(o), in_flight: spec.inFlight, synchronous: spec.synchronous, rounds: spec.rounds, peak_rss_mb: mb(peakRss) },
    peer: p ? { ...load(p), in_flight: spec.inFlight, rounds: spec.rounds } : null,
    floor: f ? { transactions: f.transactions, seconds: round(f.elapsedMs / 1000, 2), transactions_per_s: round(f.perSecond, 1), statements_per_transaction: 2, synchronous: spec.synchronous } : null,
    ratio_vs_peer: p && p.perSecond > 0 ? o.perSecond / p.perSecond : null,
    ratio_vs_floor: f ? o.perSecond / f.perSecond : null,
    target: spec.target,
    met,
    ...(o.failed ? { note: `${o.failed} instances failed: ${o.firstError}` } : {}),
    cells: {
      ours: `${fmt(o.perSecond)} inst/s`,
      peer: p ? `${fmt(p.perSecond)} inst/s` : undefined,
      floor: f ? `${fmt(f.perSecond)} tx/s` : undefined,
    },
  };
}

function runPeer(peer: Awaited<ReturnType<typeof preparePeer>>, count: number, spec: ThroughputSpec): Promise<LoadResult> {
  return runInFlight(count, spec.inFlight, spec.peerRoundMs, () => peer.run(spec.variables));
}
