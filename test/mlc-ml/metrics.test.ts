import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, evaluateBinary, logLoss, rocAuc } from '../../src/mlc/ml/metrics.js';
import { compareModels } from '../../src/mlc/ml/compare.js';

// Six predictions worked out by hand; scores 0.4 appear for one positive and one negative (a tie).
const labels = [1, 0, 1, 1, 0, 0];
const probs = [0.9, 0.8, 0.6, 0.4, 0.4, 0.1];

describe('confusion matrix and threshold metrics', () => {
  it('counts a prediction as positive when probability >= threshold', () => {
    expect(confusionMatrix(labels, probs, 0.5)).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
    expect(confusionMatrix(labels, probs, 0.4)).toEqual({ tp: 3, fp: 2, tn: 1, fn: 0 });
  });

  it('derives accuracy, precision, recall and F1 from the matrix', () => {
    const m = evaluateBinary(labels, probs);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    expect(m.n).toBe(6);
    expect(accuracy(labels, probs, 0.4)).toBeCloseTo(4 / 6, 12);
  });

  it('defines precision/recall/F1 as 0 when nothing is predicted positive', () => {
    const m = evaluateBinary([1, 0], [0.1, 0.2]);
    expect(m.precision).toBe(0);
    expect(m.recall).toBe(0);
    expect(m.f1).toBe(0);
    expect(m.accuracy).toBe(0.5);
  });

  it('rejects mismatched lengths and non-binary labels', () => {
    expect(() => evaluateBinary([1, 0], [0.5])).toThrow(/2 labels but 1 predictions/);
    expect(() => evaluateBinary([1, 2], [0.5, 0.5])).toThrow(/label at index 1 is 2/);
  });
});

describe('ROC AUC', () => {
  it('gives ties half credit (Mann-Whitney)', () => {
    // Positive-vs-negative pairs: 0.9 wins 3, 0.6 wins 2, 0.4 wins 1 and ties 1 → 6.5 of 9.
    expect(rocAuc(labels, probs)).toBeCloseTo(6.5 / 9, 12);
  });

  it('is 0.5 when every score is tied, 1 when perfect, 0 when reversed', () => {
    expect(rocAuc([1, 0, 1, 0], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
  });

  it('is undefined (NaN) with a single class', () => {
    expect(rocAuc([1, 1], [0.2, 0.9])).toBeNaN();
  });
});

describe('log loss', () => {
  it('matches the hand computation', () => {
    const expected = -(Math.log(0.9) + Math.log(0.2) + Math.log(0.6) + Math.log(0.4) + Math.log(0.6) + Math.log(0.9)) / 6;
    expect(logLoss(labels, probs)).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(0.62635015, 7);
  });

  it('clips certain misses to a finite value', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 6);
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(1e-15), 6);
    expect(logLoss([1, 0], [1, 0])).toBeLessThan(1e-14);
  });
});

describe('compareModels', () => {
  const champion = { accuracy: 0.8, precision: 0.7, recall: 0.9, f1: 0.79, auc: 0.85, logLoss: 0.4 };
  it('reports challenger - champion deltas, with lower log loss counted as improvement', () => {
    const c = compareModels(champion, { accuracy: 0.85, precision: 0.7, recall: 0.8, f1: 0.8, auc: 0.9, logLoss: 0.3 });
    expect(c.metrics.accuracy.delta).toBeCloseTo(0.05, 12);
    expect(c.metrics.recall.improved).toBe(false);
    expect(c.metrics.precision.improved).toBe(false); // equal is not an improvement
    expect(c.metrics.logLoss.delta).toBeCloseTo(-0.1, 12);
    expect(c.metrics.logLoss.improved).toBe(true);
    expect(c.primary).toBe('auc');
    expect(c.challengerWins).toBe(true);
  });

  it('honours a primary metric and a minimum improvement', () => {
    const challenger = { ...champion, auc: 0.86, logLoss: 0.45 };
    expect(compareModels(champion, challenger).challengerWins).toBe(true);
    expect(compareModels(champion, challenger, { minImprovement: 0.02 }).challengerWins).toBe(false);
    expect(compareModels(champion, challenger, { primary: 'logLoss' }).challengerWins).toBe(false);
  });
});
