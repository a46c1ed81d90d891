import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { column, DataError, featureMatrix, readCsvFile, type Table } from '../../src/mlc/ml/csv.js';
import { CREDIT_CARD_FEATURES, CREDIT_CARD_LABEL, QUARTERS, type Quarter } from '../../src/mlc/ml/credit-card-data.js';
import { fitLogisticRegression, predictProba, type LogisticModel } from '../../src/mlc/ml/logistic-regression.js';
import {
  exportLogisticRegressionToOnnx,
  InvalidOnnxModelError,
  ONNX_INPUT_NAME,
  readOnnxMetadata,
} from '../../src/mlc/ml/onnx-export.js';
import { loadScoringModel, releaseScoringModel, scoreRows, type ScoringModel } from '../../src/mlc/ml/scoring.js';
import { evaluateBinary } from '../../src/mlc/ml/metrics.js';
import { compareModels } from '../../src/mlc/ml/compare.js';
import { rejectionOf, thrownBy } from './helpers.js';

const { onnx } = onnxProto;
const features: string[] = [...CREDIT_CARD_FEATURES];
const data = {} as Record<Quarter, Table>;
let model: LogisticModel;
let onnxBytes: Uint8Array;
let scoring: ScoringModel;

beforeAll(async () => {
  for (const q of QUARTERS) data[q] = await readCsvFile(new URL(`../../examples/data/credit-card-${q.toLowerCase()}.csv`, import.meta.url).pathname);
  model = fitLogisticRegression(featureMatrix(data.Q1, features), column(data.Q1, CREDIT_CARD_LABEL), features).model;
  onnxBytes = exportLogisticRegressionToOnnx(model, { metadata: { trained_on: 'credit-card-q1.csv', rows: data.Q1.rows.length }, modelVersion: 3 });
  scoring = await loadScoringModel(onnxBytes);
});
afterAll(async () => {
  await releaseScoringModel(scoring);
});

const evaluate = async (q: Quarter, s: ScoringModel = scoring) =>
  evaluateBinary(column(data[q], CREDIT_CARD_LABEL), await scoreRows(s, featureMatrix(data[q], features)));

describe('logistic regression', () => {
  it('is deterministic: same data, bit-identical model', () => {
    const again = fitLogisticRegression(featureMatrix(data.Q1, features), column(data.Q1, CREDIT_CARD_LABEL), features);
    expect(again.model).toEqual(model);
    expect(again.iterations).toBeLessThan(25); // Newton converged rather than ran out
  });

  it('recovers the hidden signs: FICO and card age help, merchant risk hurts', () => {
    const w = (f: string) => model.weights[features.indexOf(f)];
    expect(w('card_fico_score')).toBeGreaterThan(0.5);
    expect(w('card_age')).toBeGreaterThan(0.3);
    expect(w('merchant_risk')).toBeLessThan(-0.5);
  });

  it('validates its inputs', () => {
    expect(() => fitLogisticRegression([[1, 2]], [2], ['a', 'b'])).toThrow(/label at row 0 is 2/);
    expect(() => fitLogisticRegression([[1]], [1], ['a', 'b'])).toThrow(/row 0 has 1 values, expected 2/);
    expect(() => predictProba(model, [[1, 2]])).toThrow(/expected 6/);
  });
});

describe('ONNX export scored by onnxruntime-node', () => {
  it('reaches > 0.8 accuracy on Q1 through the exported model', async () => {
    const m = await evaluate('Q1');
    expect(m.accuracy).toBeGreaterThan(0.8);
    expect(m.auc).toBeGreaterThan(0.85);
  });

  it('agrees with the JS predictProba within 1e-5 on every row', async () => {
    for (const q of ['Q1', 'Q4'] as const) {
      const x = featureMatrix(data[q], features);
      const onnxP = await scoreRows(scoring, x);
      const jsP = predictProba(model, x);
      const maxDiff = Math.max(...onnxP.map((p, i) => Math.abs(p - jsP[i])));
      expect(maxDiff).toBeLessThan(1e-5);
    }
  });

  it('scores named records, ignoring extra keys such as the label', async () => {
    const records = data.Q1.rows.slice(0, 20).map((r) => Object.fromEntries(data.Q1.columns.map((c, j) => [c, r[j]])));
    expect(await scoreRows(scoring, records)).toEqual(await scoreRows(scoring, featureMatrix({ ...data.Q1, rows: data.Q1.rows.slice(0, 20) }, features)));
  });

  it('emits a label output equal to probability > 0.5', async () => {
    const session = await InferenceSession.create(onnxBytes);
    try {
      const x = featureMatrix(data.Q1, features).slice(0, 200);
      const out = await session.run({ [ONNX_INPUT_NAME]: new Tensor('float32', Float32Array.from(x.flat()), [x.length, features.length]) });
      expect(out.probability.dims).toEqual([200, 1]);
      expect(out.label.dims).toEqual([200, 1]);
      const labels = Array.from(out.label.data as BigInt64Array, Number);
      const probs = Array.from(out.probability.data as Float32Array);
      expect(labels).toEqual(probs.map((p) => (p > 0.5 ? 1 : 0)));
    } finally {
      await session.release();
    }
  });

  it('carries the input schema and training metadata', () => {
    const meta = readOnnxMetadata(onnxBytes);
    expect(meta.irVersion).toBe(8);
    expect(meta.opsets).toEqual([{ domain: '', version: 13 }]);
    expect(meta.modelVersion).toBe(3);
    expect(meta.features).toEqual(features);
    expect(meta.inputs).toEqual([{ name: 'float_input', elemType: 'FLOAT', shape: ['N', 6] }]);
    expect(meta.outputs.map((o) => o.name)).toEqual(['probability', 'label']);
    expect(meta.metadata).toMatchObject({ trained_on: 'credit-card-q1.csv', rows: '4000', 'mlc.model_kind': 'logistic-regression' });
  });

  it('loses accuracy on drifted Q4 and a model retrained on Q4 wins the comparison', async () => {
    const acc: Record<string, number> = {};
    for (const q of QUARTERS) acc[q] = (await evaluate(q)).accuracy;
    expect(acc.Q4).toBeLessThan(acc.Q1 - 0.1);
    expect(acc.Q2).toBeGreaterThan(acc.Q4);

    const retrained = fitLogisticRegression(featureMatrix(data.Q4, features), column(data.Q4, CREDIT_CARD_LABEL), features).model;
    const challenger = await loadScoringModel(exportLogisticRegressionToOnnx(retrained));
    try {
      const comparison = compareModels(await evaluate('Q4'), await evaluate('Q4', challenger));
      expect(comparison.challengerWins).toBe(true);
      expect(comparison.metrics.accuracy.delta).toBeGreaterThan(0.1);
    } finally {
      await releaseScoringModel(challenger);
    }
  });
});

describe('rejecting bad uploads and bad inputs', () => {
  const corrupt: [string, Uint8Array][] = [
    ['empty', new Uint8Array()],
    ['text', new TextEncoder().encode('this is definitely not an ONNX model')],
    ['random bytes', Uint8Array.from({ length: 256 }, (_, i) => (i * 2654435761) >>> 24)],
  ];

  it('readOnnxMetadata throws a clear InvalidOnnxModelError', () => {
    const truncated: [string, Uint8Array] = ['truncated', onnxBytes.slice(0, Math.floor(onnxBytes.length / 2))];
    for (const [name, bytes] of [...corrupt, truncated]) {
      const err = thrownBy(() => readOnnxMetadata(bytes));
      expect(err, name).toBeInstanceOf(InvalidOnnxModelError);
      expect(err.message, name).toMatch(/ONNX model/);
    }
  });

  it('loadScoringModel rejects corrupt bytes before onnxruntime sees them', async () => {
    const err = await rejectionOf(loadScoringModel(new TextEncoder().encode('garbage')));
    expect(err).toBeInstanceOf(InvalidOnnxModelError);
  });

  it('reports onnxruntime load failures for well-formed protobuf with an unknown operator', async () => {
    const proto = onnx.ModelProto.decode(onnxBytes);
    proto.graph!.node![4].opType = 'NoSuchOperator';
    const bytes = onnx.ModelProto.encode(proto).finish();
    expect(readOnnxMetadata(bytes).features).toEqual(features); // the header is fine...
    const err = await rejectionOf(loadScoringModel(bytes)); // ...the graph is not
    expect(err).toBeInstanceOf(InvalidOnnxModelError);
    expect(err.message).toMatch(/onnxruntime could not load the model: .*NoSuchOperator/);
  });

  it('names a missing feature when scoring records', async () => {
    const record = { amount: 10, merchant_category: 1, card_fico_score: 700, merchant_risk: 0.2, hour_of_day: 12 };
    const err = await rejectionOf(scoreRows(scoring, [record]));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/row 0 is missing feature "card_age"/);
  });

  it('rejects wrong widths and non-numeric values', async () => {
    await expect(scoreRows(scoring, [[1, 2, 3]])).rejects.toThrow(/row 0 has 3 values, expected 6/);
    const bad = { amount: 10, merchant_category: 1, card_age: Number.NaN, card_fico_score: 700, merchant_risk: 0.2, hour_of_day: 12 };
    await expect(scoreRows(scoring, [bad])).rejects.toThrow(/feature "card_age": expected a finite number/);
  });
});
