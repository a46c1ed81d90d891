/**
 * Paired bootstrap of a metric difference: champion and challenger scored on the same rows,
 * rows resampled with replacement (the same resample for both models), the difference
 * challenger − champion computed on each resample. The percentile interval says how sure we are
 * that the challenger is better on data like this, not just on this one draw of rows.
 *
 * Seeded (mulberry32), so the same comparison always gives the same interval (auditable).
 * Each resample is a vector of row counts; AUC is computed from the counts over a score order
 * sorted once per model, so a resample costs O(n), not O(n log n).
 */
import { mulberry32 } from './random.js';

export type BootstrapMetric = 'auc' | 'accuracy';
export const BOOTSTRAP_METRICS: readonly BootstrapMetric[] = ['auc', 'accuracy'];

export interface BootstrapInterval {
  metric: BootstrapMetric;
  /** challenger − champion on the rows as given */
  delta: number;
  low: number;
  high: number;
  /** 0.95 for a 95% interval */
  level: number;
  resamples: number;
  seed: number;
}

export interface BootstrapOptions {
  metric: BootstrapMetric;
  resamples?: number;
  level?: number;
  seed?: number;
  threshold?: number;
}

/** Weighted ROC AUC (Mann-Whitney with half credit for ties); `order` sorts scores ascending. */
function weightedAuc(labels: readonly number[], scores: readonly number[], order: readonly number[], weights: ArrayLike<number>): number {
  let negativesBelow = 0;
  let positives = 0;
  let negatives = 0;
  let credit = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    let groupPositives = 0;
    let groupNegatives = 0;
    for (let k = start; k <= end; k++) {
      const i = order[k]!;
      if (labels[i] === 1) groupPositives += weights[i]!;
      else groupNegatives += weights[i]!;
    }
    credit += groupPositives * (negativesBelow + groupNegatives / 2);
    negativesBelow += groupNegatives;
    positives += groupPositives;
    negatives += groupNegatives;
    start = end + 1;
  }
  return positives === 0 || negatives === 0 ? NaN : credit / (positives * negatives);
}

function weightedAccuracy(labels: readonly number[], scores: readonly number[], weights: ArrayLike<number>, threshold: number): number {
  let right = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    total += weights[i]!;
    if ((scores[i]! >= threshold ? 1 : 0) === labels[i]) right += weights[i]!;
  }
  return total === 0 ? NaN : right / total;
}

export function bootstrapDifference(
  labels: readonly number[], champion: readonly number[], challenger: readonly number[], options: BootstrapOptions,
): BootstrapInterval {
  if (labels.length !== champion.length || labels.length !== challenger.length) {
    throw new Error(`bootstrap needs both models scored on the same rows: ${labels.length} labels, ${champion.length} and ${challenger.length} scores`);
  }
  if (labels.length === 0) throw new Error('bootstrap needs at least one row');
  const { metric, resamples = 1000, level = 0.95, seed = 20240401, threshold = 0.5 } = options;
  const n = labels.length;
  const sortedBy = (scores: readonly number[]) => scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const orders = metric === 'auc' ? [sortedBy(champion), sortedBy(challenger)] : null;
  const value = (scores: readonly number[], which: 0 | 1, weights: ArrayLike<number>) =>
    (orders ? weightedAuc(labels, scores, orders[which]!, weights) : weightedAccuracy(labels, scores, weights, threshold));
  const ones = new Float64Array(n).fill(1);
  const delta = value(challenger, 1, ones) - value(champion, 0, ones);
  const random = mulberry32(seed);
  const weights = new Float64Array(n);
  const deltas: number[] = [];
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (let k = 0; k < n; k++) weights[Math.floor(random() * n)]! += 1;
    const d = value(challenger, 1, weights) - value(champion, 0, weights);
    // a resample that lost a whole class has no AUC: it says nothing, skip it
    if (Number.isFinite(d)) deltas.push(d);
  }
  if (deltas.length === 0) throw new Error(`no resample had both classes: the ${metric} difference cannot be bounded`);
  deltas.sort((a, b) => a - b);
  const at = (q: number) => deltas[Math.min(deltas.length - 1, Math.max(0, Math.floor(q * deltas.length)))]!;
  const tail = (1 - level) / 2;
  return { metric, delta, low: at(tail), high: at(1 - tail), level, resamples: deltas.length, seed };
}
