/**
 * The default training job, run in a child process by TrainingManager:
 *
 *   node train-worker.js <spec.json>
 *
 * Fits a (deterministic) logistic regression on a labelled CSV, exports it to ONNX with the
 * feature names in its metadata, and writes `model.onnx` and `result.json` (features,
 * hyper-parameters, training metrics, drift baseline histograms) into the output directory.
 * Progress goes to stdout, which the parent captures as the job's log.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildBaseline, CREDIT_CARD_LABEL, evaluateBinary, exportLogisticRegressionToOnnx, featureMatrix, fitLogisticRegression,
  predictProba, readCsvFile, column,
} from '../ml/index.js';

export interface TrainSpec {
  modelId: string;
  trainingData: string;
  outputDir: string;
  features?: string[] | null;
  label?: string | null;
  hyperParameters?: { l2?: number; iterations?: number; bins?: number };
}

async function main(): Promise<void> {
  const specPath = process.argv[2];
  if (!specPath) throw new Error('usage: train-worker <spec.json>');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as TrainSpec;
  const label = spec.label ?? CREDIT_CARD_LABEL;
  console.log(`reading ${spec.trainingData}`);
  const table = await readCsvFile(spec.trainingData, { required: [label, ...(spec.features ?? [])] });
  const features = spec.features ?? table.columns.filter((c) => c !== label);
  const x = featureMatrix(table, features);
  const y = column(table, label);
  const hyper = { l2: spec.hyperParameters?.l2 ?? 1e-3, iterations: spec.hyperParameters?.iterations ?? 25, bins: spec.hyperParameters?.bins ?? 10 };
  console.log(`fitting logistic regression on ${x.length} rows, features ${features.join(', ')}, l2=${hyper.l2}`);
  const fit = fitLogisticRegression(x, y, features, { l2: hyper.l2, iterations: hyper.iterations });
  const metrics = evaluateBinary(y, predictProba(fit.model, x));
  console.log(`converged after ${fit.iterations} iterations: training accuracy ${metrics.accuracy.toFixed(4)}, auc ${metrics.auc.toFixed(4)}`);
  const onnx = exportLogisticRegressionToOnnx(fit.model, { metadata: { 'mlc.model_id': spec.modelId, 'mlc.training_rows': x.length } });
  writeFileSync(join(spec.outputDir, 'model.onnx'), onnx);
  const baseline = buildBaseline(table, features, hyper.bins);
  writeFileSync(join(spec.outputDir, 'result.json'), JSON.stringify({
    features,
    label,
    // the settings and what the fit did, apart from the metrics (which are in-sample: on the training rows)
    hyperParameters: { ...hyper, threshold: metrics.threshold, iterationsRun: fit.iterations, finalLoss: fit.loss, rows: x.length },
    trainingMetrics: {
      n: metrics.n, accuracy: metrics.accuracy, precision: metrics.precision, recall: metrics.recall, f1: metrics.f1,
      auc: Number.isFinite(metrics.auc) ? metrics.auc : null, logLoss: metrics.logLoss, confusion: metrics.confusion,
    },
    baseline,
  }));
  console.log('wrote model.onnx and result.json');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
