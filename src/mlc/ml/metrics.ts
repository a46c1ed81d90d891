/**
 * Binary classification metrics from labels (0/1) and predicted
 * probabilities. These are the numbers a `test` task writes to process
 * variables and that gateways compare against business thresholds, so each
 * one has a defined value on degenerate inputs instead of NaN:
 * precision/recall/F1 are 0 when their denominator is 0 (sklearn's
 * zero_division=0), AUC is NaN only when one class is absent (undefined).
 */

export interface ConfusionMatrix {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface ClassificationMetrics {
  n: number;
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** Area under the ROC curve; NaN when only one class is present. */
  auc: number;
  logLoss: number;
  confusion: ConfusionMatrix;
}

function checkInputs(labels: readonly number[], probabilities: readonly number[]): void {
  if (labels.length !== probabilities.length) {
    throw new Error(`got ${labels.length} labels but ${probabilities.length} predictions`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new Error(`label at index ${i} is ${labels[i]}, expected 0 or 1`);
    if (!Number.isFinite(probabilities[i])) throw new Error(`prediction at index ${i} is not a finite number`);
  }
}

/** Predicted positive when probability >= threshold. */
export function confusionMatrix(labels: readonly number[], probabilities: readonly number[], threshold = 0.5): ConfusionMatrix {
  checkInputs(labels, probabilities);
  const m: ConfusionMatrix = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const predicted = probabilities[i] >= threshold;
    if (labels[i] === 1) predicted ? m.tp++ : m.fn++;
    else predicted ? m.fp++ : m.tn++;
  }
  return m;
}

const ratio = (num: number, den: number) => (den === 0 ? 0 : num / den);

export const accuracyOf = (m: ConfusionMatrix) => ratio(m.tp + m.tn, m.tp + m.tn + m.fp + m.fn);
export const precisionOf = (m: ConfusionMatrix) => ratio(m.tp, m.tp + m.fp);
export const recallOf = (m: ConfusionMatrix) => ratio(m.tp, m.tp + m.fn);
export const f1Of = (m: ConfusionMatrix) => ratio(2 * m.tp, 2 * m.tp + m.fp + m.fn);

export function accuracy(labels: readonly number[], probabilities: readonly number[], threshold = 0.5): number {
  return accuracyOf(confusionMatrix(labels, probabilities, threshold));
}

/**
 * ROC AUC via the Mann-Whitney U statistic: the probability that a random
 * positive scores above a random negative, ties counting one half. Tied
 * scores get their average rank, which is exactly that half credit.
 */
export function rocAuc(labels: readonly number[], scores: readonly number[]): number {
  checkInputs(labels, scores);
  const order = scores.map((s, i) => ({ s, i })).sort((a, b) => a.s - b.s);
  let positives = 0;
  let rankSumPositives = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].s === order[start].s) end++;
    const averageRank = (start + end) / 2 + 1; // ranks are 1-based
    for (let k = start; k <= end; k++) {
      if (labels[order[k].i] === 1) {
        positives++;
        rankSumPositives += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean binary cross-entropy; the true class's probability is floored at eps so a confident miss is finite. */
export function logLoss(labels: readonly number[], probabilities: readonly number[], eps = 1e-15): number {
  checkInputs(labels, probabilities);
  if (labels.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    // Clip the probability of the true class rather than p itself: 1 - (1 - eps)
    // is not exactly eps in floating point, which would make the clip asymmetric.
    const pTrue = labels[i] === 1 ? probabilities[i] : 1 - probabilities[i];
    sum -= Math.log(Math.min(1, Math.max(eps, pTrue)));
  }
  return sum / labels.length;
}

/** Every metric at once: the shape a `test` handler reports. */
export function evaluateBinary(labels: readonly number[], probabilities: readonly number[], threshold = 0.5): ClassificationMetrics {
  const confusion = confusionMatrix(labels, probabilities, threshold);
  return {
    n: labels.length,
    threshold,
    accuracy: accuracyOf(confusion),
    precision: precisionOf(confusion),
    recall: recallOf(confusion),
    f1: f1Of(confusion),
    auc: rocAuc(labels, probabilities),
    logLoss: logLoss(labels, probabilities),
    confusion,
  };
}

export interface RocPoint {
  threshold: number;
  /** false-positive rate */
  fpr: number;
  /** true-positive rate */
  tpr: number;
}

/**
 * The ROC curve at `points` evenly spaced thresholds from 1 down to 0 (inclusive), enough to draw
 * it on a card; empty when one class is absent.
 */
export function rocCurve(labels: readonly number[], scores: readonly number[], points = 21): RocPoint[] {
  checkInputs(labels, scores);
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return [];
  const curve: RocPoint[] = [];
  for (let k = 0; k < points; k++) {
    const threshold = 1 - k / (points - 1);
    const m = confusionMatrix(labels, scores, threshold);
    curve.push({ threshold: Math.round(threshold * 1e6) / 1e6, fpr: m.fp / negatives, tpr: m.tp / positives });
  }
  return curve;
}
