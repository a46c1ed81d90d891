/**
 * The demo a newcomer can watch: the credit-card datasets (Q1..Q4) in `<dataDir>/datasets`,
 * a fraud model whose v1 is trained on Q1, and DEV / QA / PROD scoring runtimes. Idempotent.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildBaseline, CREDIT_CARD_FEATURES, CREDIT_CARD_LABEL, column, evaluateBinary, exportLogisticRegressionToOnnx, featureMatrix,
  fitLogisticRegression, generateCreditCardQuarter, predictProba, QUARTERS, writeCsvFile,
} from './ml/index.js';
import type { ModelLifecycle } from './lifecycle.js';

export const DEMO_MODEL_ID = 'fraud-detector';

export async function seedDemo(lc: ModelLifecycle): Promise<void> {
  const datasets = join(lc.dataDir, 'datasets');
  mkdirSync(datasets, { recursive: true });
  for (const quarter of QUARTERS) {
    const file = join(datasets, `credit-card-${quarter.toLowerCase()}.csv`);
    if (!existsSync(file)) await writeCsvFile(file, generateCreditCardQuarter({ quarter }));
  }
  const features = [...CREDIT_CARD_FEATURES];
  const runtimes = [
    { name: 'dev-scoring', stage: 'DEV', tags: ['fraud', 'credit'], capabilities: ['onnx', 'realtime'] },
    { name: 'qa-scoring', stage: 'QA', tags: ['fraud', 'credit'], capabilities: ['onnx', 'batch'] },
    { name: 'prod-scoring', stage: 'PROD', tags: ['fraud'], capabilities: ['onnx', 'realtime', 'batch'], features },
  ];
  for (const r of runtimes) if (!lc.store.runtime(r.name)) lc.runtimes.upsert(r);
  if (lc.registry.findModel(DEMO_MODEL_ID)) return;
  lc.registry.createModel({
    id: DEMO_MODEL_ID,
    name: 'Card authorisation fraud model',
    type: 'fraud',
    ownerGroup: 'data-science',
    metadata: {
      requiresTraining: false,
      approvalGroup: 'fraud-risk-officers',
      runtimeTags: ['fraud'],
      deployStage: 'PROD',
      requiredCapability: 'onnx',
      features,
      label: CREDIT_CARD_LABEL,
      trainingData: 'datasets/credit-card-q1.csv',
      testData: 'datasets/credit-card-q2.csv',
      // retraining: train on the period before the latest, compare on the latest (held out)
      recentData: 'datasets/credit-card-q3.csv',
      compareData: 'datasets/credit-card-q4.csv',
      thresholds: { minAccuracy: 0.7, minAuc: 0.75, maxPsi: 0.2 },
    },
  });
  const table = generateCreditCardQuarter({ quarter: 'Q1' });
  const x = featureMatrix(table, features);
  const y = column(table, CREDIT_CARD_LABEL);
  const fit = fitLogisticRegression(x, y, features);
  const metrics = evaluateBinary(y, predictProba(fit.model, x));
  await lc.registry.registerVersion(DEMO_MODEL_ID, {
    bytes: exportLogisticRegressionToOnnx(fit.model, { metadata: { 'mlc.model_id': DEMO_MODEL_ID } }),
    trainingData: 'datasets/credit-card-q1.csv',
    hyperParameters: { l2: 1e-3, iterations: 25, threshold: metrics.threshold, rows: x.length },
    trainingMetrics: { n: metrics.n, accuracy: metrics.accuracy, auc: metrics.auc, logLoss: metrics.logLoss },
    baseline: buildBaseline(table, features),
    description: 'demo: logistic regression trained on Q1',
    actor: 'seed',
  });
}
