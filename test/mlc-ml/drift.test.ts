import { beforeAll, describe, expect, it } from 'vitest';
import { readCsvFile, type Table } from '../../src/mlc/ml/csv.js';
import { CREDIT_CARD_FEATURES, DRIFTED_FEATURES, QUARTERS, type Quarter } from '../../src/mlc/ml/credit-card-data.js';
import {
  binIndex,
  buildBaseline,
  buildHistogram,
  driftReport,
  featurePsi,
  psi,
  PSI_SIGNIFICANT,
  type DriftBaseline,
  type DriftReport,
} from '../../src/mlc/ml/drift.js';

const features = [...CREDIT_CARD_FEATURES];
const untouched = features.filter((f) => !DRIFTED_FEATURES.includes(f));
const data = {} as Record<Quarter, Table>;
let baseline: DriftBaseline;
const reports = {} as Record<Quarter, DriftReport>;
const psiOf = (q: Quarter, f: string) => reports[q].features.find((x) => x.feature === f)!.psi;

beforeAll(async () => {
  for (const q of QUARTERS) data[q] = await readCsvFile(new URL(`../../examples/data/credit-card-${q.toLowerCase()}.csv`, import.meta.url).pathname);
  baseline = buildBaseline(data.Q1, features);
  for (const q of QUARTERS) reports[q] = driftReport(baseline, data[q]);
});

describe('PSI arithmetic', () => {
  it('matches a hand-computed two-bin example', () => {
    // (0.25-0.5)ln(0.25/0.5) + (0.75-0.5)ln(0.75/0.5)
    expect(psi([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), 12);
    expect(psi([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
  });

  it('floors empty bins at epsilon instead of producing Infinity', () => {
    const value = psi([0.5, 0.5], [0, 1]);
    expect(value).toBeCloseTo((1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2), 10);
    expect(Number.isFinite(value)).toBe(true);
  });
});

describe('baseline histograms', () => {
  it('uses equal-mass bins from training quantiles and keeps the edges', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const h = buildHistogram('x', values, 10);
    expect(h.edges).toHaveLength(9);
    expect(h.edges[0]).toBeCloseTo(99.9, 9);
    for (const p of h.proportions) expect(p).toBeCloseTo(0.1, 2);
    expect(featurePsi(h, values)).toBe(0);
  });

  it('sends out-of-range values to the open-ended outer bins', () => {
    const h = buildHistogram('x', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
    expect(binIndex(h.edges, -1000)).toBe(0);
    expect(binIndex(h.edges, 1000)).toBe(h.edges.length);
  });

  it('collapses tied quantiles of integer features into distinct edges', () => {
    const h = buildHistogram('category', [0, 0, 0, 0, 0, 0, 1, 1, 2, 2], 10);
    expect(new Set(h.edges).size).toBe(h.edges.length);
    expect(h.proportions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('is plain JSON (stored with the model version)', () => {
    expect(JSON.parse(JSON.stringify(baseline))).toEqual(baseline);
    expect(baseline.features.map((f) => f.feature)).toEqual(features);
  });

  it('names a feature missing from new data', () => {
    const { columns, rows } = data.Q2;
    const j = columns.indexOf('card_fico_score');
    const without: Table = { columns: columns.filter((_, i) => i !== j), rows: rows.map((r) => r.filter((_, i) => i !== j)) };
    expect(() => driftReport(baseline, without)).toThrow(/"card_fico_score"/);
  });
});

describe('drift across the credit-card quarters', () => {
  it('is ~0 for Q1 against its own baseline', () => {
    for (const f of features) expect(psiOf('Q1', f)).toBeLessThan(1e-9);
    expect(reports.Q1.drifted).toEqual([]);
  });

  it('is small for Q2', () => {
    for (const f of features) expect(psiOf('Q2', f), f).toBeLessThan(0.1);
    expect(reports.Q2.drifted).toEqual([]);
  });

  it('grows from Q2 to Q4 in card_age and card_fico_score only', () => {
    for (const f of DRIFTED_FEATURES) {
      expect(psiOf('Q2', f)).toBeLessThan(psiOf('Q3', f));
      expect(psiOf('Q3', f)).toBeLessThan(psiOf('Q4', f));
      expect(psiOf('Q4', f), f).toBeGreaterThan(PSI_SIGNIFICANT);
    }
    for (const f of untouched) for (const q of QUARTERS) expect(psiOf(q, f), `${q} ${f}`).toBeLessThan(0.1);
    expect([...reports.Q4.drifted].sort()).toEqual([...DRIFTED_FEATURES].sort());
  });
});
