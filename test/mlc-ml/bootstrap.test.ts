import { describe, expect, it } from 'vitest';
import { bootstrapDifference, rocAuc, rocCurve } from '../../src/mlc/ml/index.js';
import { mulberry32 } from '../../src/mlc/ml/random.js';

function sample(n: number, seed: number) {
  const r = mulberry32(seed);
  const labels = Array.from({ length: n }, () => (r() < 0.3 ? 1 : 0));
  const noisy = (noise: number) => labels.map((l) => Math.min(1, Math.max(0, 0.5 + (l - 0.5) * 0.4 + (r() - 0.5) * noise)));
  return { labels, weak: noisy(1.2), strong: noisy(0.5) };
}

describe('paired bootstrap of a metric difference', () => {
  it('a clearly better model gets an interval above zero around the observed AUC difference', () => {
    const { labels, weak, strong } = sample(2000, 7);
    const i = bootstrapDifference(labels, weak, strong, { metric: 'auc', resamples: 500 });
    expect(i.delta).toBeCloseTo(rocAuc(labels, strong) - rocAuc(labels, weak), 10);
    expect(i.low).toBeGreaterThan(0);
    expect(i.low).toBeLessThanOrEqual(i.delta);
    expect(i.high).toBeGreaterThanOrEqual(i.delta);
  });

  it('the same model against itself: the interval is exactly [0, 0]; swapped roles mirror it', () => {
    const { labels, weak, strong } = sample(500, 8);
    expect(bootstrapDifference(labels, weak, weak, { metric: 'accuracy', resamples: 200 })).toMatchObject({ delta: 0, low: 0, high: 0 });
    const a = bootstrapDifference(labels, weak, strong, { metric: 'auc', resamples: 200, seed: 3 });
    const b = bootstrapDifference(labels, strong, weak, { metric: 'auc', resamples: 200, seed: 3 });
    expect(b.delta).toBeCloseTo(-a.delta, 10);
    // the same resamples, negated (percentile indices round down, so within one resample's step)
    expect(Math.abs(b.low + a.high)).toBeLessThan(0.01);
    expect(Math.abs(b.high + a.low)).toBeLessThan(0.01);
  });

  it('is reproducible from its seed and differs across seeds', () => {
    const { labels, weak, strong } = sample(300, 9);
    const run = (seed: number) => bootstrapDifference(labels, weak, strong, { metric: 'auc', resamples: 100, seed });
    expect(run(1)).toEqual(run(1));
    expect(run(1).low).not.toBe(run(2).low);
  });

  it('refuses scores for different rows', () => {
    expect(() => bootstrapDifference([0, 1], [0.1, 0.9], [0.2], { metric: 'auc' })).toThrow(/same rows/);
  });

  it('the ROC curve runs from (0,0) to (1,1) and never decreases', () => {
    const { labels, strong } = sample(400, 10);
    const curve = rocCurve(labels, strong);
    expect(curve[0]).toMatchObject({ threshold: 1, fpr: 0, tpr: 0 });
    expect(curve.at(-1)).toMatchObject({ threshold: 0, fpr: 1, tpr: 1 });
    for (let k = 1; k < curve.length; k++) expect(curve[k]!.tpr).toBeGreaterThanOrEqual(curve[k - 1]!.tpr);
    expect(rocCurve([1, 1], [0.2, 0.3])).toEqual([]);
  });
});
