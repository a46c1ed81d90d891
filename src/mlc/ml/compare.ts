/**
 * Champion/challenger comparison: how a candidate model's test metrics
 * differ from the deployed model's on the same data. Deltas are
 * challenger - champion; `improved` accounts for direction (lower log loss
 * is better), so a gateway can branch on it without knowing each metric.
 */
import type { ClassificationMetrics } from './metrics.js';

export const COMPARED_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'auc', 'logLoss'] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

const LOWER_IS_BETTER: ReadonlySet<ComparedMetric> = new Set(['logLoss']);

export interface MetricDelta {
  champion: number;
  challenger: number;
  /** challenger - champion */
  delta: number;
  improved: boolean;
}

export interface ModelComparison {
  metrics: Record<ComparedMetric, MetricDelta>;
  /** Did the challenger improve the primary metric? */
  challengerWins: boolean;
  primary: ComparedMetric;
}

type MetricValues = Pick<ClassificationMetrics, ComparedMetric>;

export function compareModels(
  champion: MetricValues,
  challenger: MetricValues,
  options: { primary?: ComparedMetric; minImprovement?: number } = {},
): ModelComparison {
  const { primary = 'auc', minImprovement = 0 } = options;
  const metrics = {} as Record<ComparedMetric, MetricDelta>;
  for (const m of COMPARED_METRICS) {
    const delta = challenger[m] - champion[m];
    const gain = LOWER_IS_BETTER.has(m) ? -delta : delta;
    metrics[m] = { champion: champion[m], challenger: challenger[m], delta, improved: gain > 0 };
  }
  const primaryGain = LOWER_IS_BETTER.has(primary) ? -metrics[primary].delta : metrics[primary].delta;
  return { metrics, challengerWins: primaryGain > minImprovement, primary };
}
