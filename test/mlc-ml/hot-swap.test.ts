import { beforeAll, describe, expect, it } from 'vitest';
import { column, featureMatrix, readCsvFile, type Table } from '../../src/mlc/ml/csv.js';
import { CREDIT_CARD_FEATURES, CREDIT_CARD_LABEL } from '../../src/mlc/ml/credit-card-data.js';
import { fitLogisticRegression, predictProba, type LogisticModel } from '../../src/mlc/ml/logistic-regression.js';
import { exportLogisticRegressionToOnnx, InvalidOnnxModelError } from '../../src/mlc/ml/onnx-export.js';
import { HotSwapModel } from '../../src/mlc/ml/scoring.js';
import { rejectionOf } from './helpers.js';

const features = [...CREDIT_CARD_FEATURES];
let rows: number[][];
let champion: LogisticModel;
let challenger: LogisticModel;

const fitOn = (t: Table) => fitLogisticRegression(featureMatrix(t, features), column(t, CREDIT_CARD_LABEL), features).model;
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

beforeAll(async () => {
  const load = (q: string) => readCsvFile(new URL(`../../examples/data/credit-card-${q}.csv`, import.meta.url).pathname);
  const [q1, q4] = await Promise.all([load('q1'), load('q4')]);
  champion = fitOn(q1);
  challenger = fitOn(q4);
  rows = featureMatrix(q1, features).slice(0, 500);
});

describe('HotSwapModel', () => {
  it('refuses to score before a model is loaded', async () => {
    await expect(new HotSwapModel().score(rows)).rejects.toThrow(/no model loaded/);
  });

  it('keeps serving the old model while a new one loads, then switches atomically', async () => {
    const hot = new HotSwapModel();
    await hot.load(exportLogisticRegressionToOnnx(champion), 'champion');
    const oldP = predictProba(champion, rows);
    const newP = predictProba(challenger, rows);
    expect(maxDiff(oldP, newP)).toBeGreaterThan(0.05); // the two models are distinguishable

    // Requests issued while the swap is in progress: every one must succeed
    // and be answered entirely by one model (old, since they started first).
    const swapping = hot.load(exportLogisticRegressionToOnnx(challenger), 'challenger');
    const during = await Promise.all(Array.from({ length: 8 }, () => hot.score(rows)));
    for (const p of during) expect(maxDiff(p, oldP)).toBeLessThan(1e-5);

    const status = await swapping;
    expect(status).toMatchObject({ version: 2, label: 'challenger', features });
    expect(hot.version).toBe(2);
    expect(maxDiff(await hot.score(rows), newP)).toBeLessThan(1e-5);
    await hot.close();
  });

  it('finishes in-flight requests on the old session after the swap', async () => {
    const hot = new HotSwapModel();
    await hot.load(exportLogisticRegressionToOnnx(champion));
    // Start scoring, then swap before awaiting: the old session must not be
    // released underneath the running request.
    const inFlight = hot.score(rows);
    await hot.load(exportLogisticRegressionToOnnx(challenger));
    expect(maxDiff(await inFlight, predictProba(champion, rows))).toBeLessThan(1e-5);
    expect(maxDiff(await hot.score(rows), predictProba(challenger, rows))).toBeLessThan(1e-5);
    await hot.close();
  });

  it('leaves the old model serving when a load fails', async () => {
    const hot = new HotSwapModel();
    await hot.load(exportLogisticRegressionToOnnx(champion), 'v1');
    const err = await rejectionOf(hot.load(new TextEncoder().encode('not a model'), 'broken'));
    expect(err).toBeInstanceOf(InvalidOnnxModelError);
    expect(hot.status).toMatchObject({ version: 1, label: 'v1' });
    expect(maxDiff(await hot.score(rows), predictProba(champion, rows))).toBeLessThan(1e-5);

    // A later good load still works: a failure does not wedge the load queue.
    await hot.load(exportLogisticRegressionToOnnx(challenger), 'v2');
    expect(hot.status).toMatchObject({ version: 2, label: 'v2' });
    await hot.close();
    expect(hot.version).toBe(0);
  });

  it('applies concurrent loads in call order', async () => {
    const hot = new HotSwapModel();
    const a = hot.load(exportLogisticRegressionToOnnx(champion), 'a');
    const b = hot.load(exportLogisticRegressionToOnnx(challenger), 'b');
    await Promise.all([a, b]);
    expect(hot.status?.label).toBe('b');
    expect(maxDiff(await hot.score(rows), predictProba(challenger, rows))).toBeLessThan(1e-5);
    await hot.close();
  });
});
