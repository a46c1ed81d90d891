/** Scenario contract, the printed table and bench/results.json. */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { round } from './stats.js';

export interface ScenarioContext {
  quick: boolean;
  log(message: string): void;
}

export interface ScenarioResult {
  ours: Record<string, unknown>;
  peer: Record<string, unknown> | null;
  floor: Record<string, unknown> | null;
  /** how many times better than the peer (throughput: ours/peer; times: peer/ours) */
  ratio_vs_peer: number | null;
  /** ours as a fraction of the raw SQLite floor */
  ratio_vs_floor: number | null;
  target: string;
  met: boolean;
  note?: string;
}

export interface ScenarioOutcome extends ScenarioResult {
  /** short cells for the table; not written to results.json */
  cells: { ours: string; peer?: string; floor?: string; detail?: string };
}

export interface Scenario {
  name: string;
  /** why the scenario cannot run on this machine (it is then skipped with that line), or null */
  skipReason?(): string | null;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function failed(target: string, note: string): ScenarioOutcome {
  return { ours: {}, peer: null, floor: null, ratio_vs_peer: null, ratio_vs_floor: null, target, met: false, note, cells: { ours: '—' } };
}

export function printTable(results: Array<[string, ScenarioOutcome]>): string {
  const header = ['scenario', 'ours', 'peer (bpmn-engine)', 'floor (raw SQLite; PG: pgbench)', '×peer', 'of floor', 'target', 'met'];
  const rows = results.map(([name, r]) => [
    name,
    r.cells.ours,
    r.cells.peer ?? '—',
    r.cells.floor ?? '—',
    r.ratio_vs_peer === null ? '—' : `${fmt(r.ratio_vs_peer, 1)}×`,
    r.ratio_vs_floor === null ? '—' : `${fmt(r.ratio_vs_floor * 100, 1)}%`,
    r.target,
    r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const text = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
  const notes = results.filter(([, r]) => r.note).map(([name, r]) => `- ${name}: ${r.note}`);
  const details = results.flatMap(([, r]) => (r.cells.detail ? [r.cells.detail] : []));
  return [text, ...(notes.length ? [notes.join('\n')] : []), ...details].join('\n\n');
}

export function writeResults(file: string, quick: boolean, results: Array<[string, ScenarioOutcome]>, extra: Record<string, unknown> = {}): void {
  const scenarios: Record<string, ScenarioResult> = {};
  for (const [name, outcome] of results) {
    const { cells: _cells, ...result } = outcome;
    scenarios[name] = {
      ...result,
      ratio_vs_peer: result.ratio_vs_peer === null ? null : round(result.ratio_vs_peer, 2),
      ratio_vs_floor: result.ratio_vs_floor === null ? null : round(result.ratio_vs_floor, 3),
    };
  }
  const cpu = cpus();
  const body = {
    node: process.version,
    cpu: `${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`,
    date: new Date().toISOString(),
    quick,
    ...extra,
    scenarios,
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
}
