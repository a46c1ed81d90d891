/**
 * Input-data drift: per-feature histograms of the training data (the
 * baseline, stored with the model version) and the population stability
 * index (PSI) of new data against them.
 *
 *   PSI = sum over bins of (actual% - expected%) * ln(actual% / expected%)
 *
 * Conventional reading: < 0.1 no meaningful shift, 0.1-0.2 moderate,
 * > 0.2 significant (retrain candidate).
 *
 * Bin edges are training quantiles (equal-mass bins), fixed at baseline time
 * and stored, so later batches are always binned the same way. The outer
 * bins are open-ended, so values outside the training range still count.
 */
import { column, type Table } from './csv.js';

export const PSI_SIGNIFICANT = 0.2;
export const PSI_MODERATE = 0.1;
/** Floor for empty-bin proportions so ln(0) never occurs. */
export const PSI_EPSILON = 1e-4;

export interface FeatureHistogram {
  feature: string;
  /**
   * Interior cut points, ascending and distinct. Bin i holds values v with
   * edges[i-1] < v <= edges[i]; bin 0 is (-inf, edges[0]], the last bin is
   * (edges[last], +inf). Integer-valued features may yield fewer than
   * `bins - 1` edges because tied quantiles collapse.
   */
  edges: number[];
  /** Share of baseline rows per bin; length edges.length + 1, sums to 1. */
  proportions: number[];
  count: number;
}

export interface DriftBaseline {
  bins: number;
  features: FeatureHistogram[];
}

export interface FeatureDrift {
  feature: string;
  psi: number;
  significant: boolean;
  expected: number[];
  actual: number[];
}

export interface DriftReport {
  features: FeatureDrift[];
  /** Features with PSI above the threshold, most drifted first. */
  drifted: string[];
  maxPsi: number;
  threshold: number;
}

/** Linear-interpolation quantile of an ascending array (numpy's default). */
function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function binIndex(edges: readonly number[], value: number): number {
  // Binary search for the first edge >= value.
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function binProportions(edges: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) counts[binIndex(edges, v)]++;
  return counts.map((c) => (values.length === 0 ? 0 : c / values.length));
}

export function buildHistogram(feature: string, values: readonly number[], bins = 10): FeatureHistogram {
  if (values.length === 0) throw new Error(`cannot build a drift baseline for "${feature}" from zero rows`);
  if (!Number.isInteger(bins) || bins < 2) throw new Error(`bins must be an integer >= 2, got ${bins}`);
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const e = quantileSorted(sorted, k / bins);
    // The top cut at the maximum would leave the last bin empty by construction.
    if (e < sorted[sorted.length - 1] && (edges.length === 0 || e > edges[edges.length - 1])) edges.push(e);
  }
  return { feature, edges, proportions: binProportions(edges, values), count: values.length };
}

export function buildBaseline(table: Table, features: readonly string[], bins = 10): DriftBaseline {
  return { bins, features: features.map((f) => buildHistogram(f, column(table, f), bins)) };
}

/** PSI between two proportion vectors over the same bins. */
export function psi(expected: readonly number[], actual: readonly number[], epsilon = PSI_EPSILON): number {
  if (expected.length !== actual.length) throw new Error(`PSI needs equal bin counts, got ${expected.length} and ${actual.length}`);
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], epsilon);
    const a = Math.max(actual[i], epsilon);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

export function featurePsi(histogram: FeatureHistogram, values: readonly number[], epsilon = PSI_EPSILON): number {
  return psi(histogram.proportions, binProportions(histogram.edges, values), epsilon);
}

/** PSI of every baseline feature in `table`; a missing column is an error naming it. */
export function driftReport(baseline: DriftBaseline, table: Table, threshold = PSI_SIGNIFICANT): DriftReport {
  const features = baseline.features.map((h): FeatureDrift => {
    const actual = binProportions(h.edges, column(table, h.feature));
    const value = psi(h.proportions, actual);
    return { feature: h.feature, psi: value, significant: value > threshold, expected: h.proportions, actual };
  });
  const drifted = features
    .filter((f) => f.significant)
    .sort((a, b) => b.psi - a.psi)
    .map((f) => f.feature);
  return { features, drifted, maxPsi: Math.max(0, ...features.map((f) => f.psi)), threshold };
}

// Champion/challenger comparison lives in its own module; re-exported here
// because it is the other half of "is the deployed model still good enough".
export { compareModels } from './compare.js';
