/**
 * `test`: scores a labelled CSV with the version's ONNX model (onnxruntime-node), computes
 * accuracy, precision, recall, F1, ROC AUC, log loss, the confusion matrix and PSI per feature
 * against the training baseline, persists the test result and returns the figures.
 *
 * Reads: modelId, modelVersion, testData (else metadata.testData), minAccuracy / minAuc / maxPsi
 * (else metadata.thresholds), testPurpose. A dataset that cannot be used (missing, a feature
 * column absent, a bad cell) → BpmnError('TEST_FAILED') with the reason, recorded as a failed
 * test result; a poor score is not an error: `testPassed` is false and `failureReason` says why.
 */
import { randomUUID } from 'node:crypto';
import type { VersionRecord } from '../../store/registry-store.js';
import { CREDIT_CARD_LABEL } from '../ml/index.js';
import type { JobContext } from '../../runtime/handler-dispatcher.js';
import { ModelRunawayError } from '../ml/index.js';
import { withoutPaths } from '../errors.js';
import { evaluateVersion, EvaluationError, loadDataset, thresholdsFrom, type Thresholds } from '../registry/evaluation.js';
import { rowsSeenInTraining } from '../registry/held-out.js';
import { resolveInside } from '../registry/ids.js';
import type { ModelLifecycle } from '../lifecycle.js';
import { asBpmnError, modelRef, once, RecordedBpmnError, str, type BuiltinHandler } from './support.js';

export const test: BuiltinHandler = (lc) => async (job) =>
  once(lc, job, async () => {
    const { modelId, version: n } = modelRef(job, 'TEST_FAILED');
    let version: VersionRecord;
    let model;
    try {
      model = lc.registry.model(modelId);
      version = lc.registry.version(modelId, n);
    } catch (error) {
      asBpmnError(error, 'TEST_FAILED');
    }
    const dataset = str(job.variables, 'testData') ?? (typeof model.metadata.testData === 'string' ? model.metadata.testData : null);
    const purpose = str(job.variables, 'testPurpose', job.instance.definitionKey === 'DailyBacktesting' ? 'backtest' : 'test')!;
    const thresholds = thresholdsFrom(job.variables, model.metadata, lc.options.thresholds);
    const fail = (reason: string) => {
      const id = randomUUID();
      const message = withoutPaths(`test of ${modelId} v${n} on ${dataset ?? '(no dataset)'} could not run: ${reason}`, lc.dataDir);
      return new RecordedBpmnError('TEST_FAILED', message, { testResultId: id, testPassed: false, failureReason: message }, () => {
        lc.store.insertTestResult({
          id, modelId, version: n, dataset: dataset ?? '', purpose, passed: false, metrics: null, drift: null,
          verdict: { passed: false, reasons: [message], thresholds }, error: message, instanceId: job.instance.id, createdAt: lc.engine.clock.now(),
        });
        lc.registry.note(modelId, n, 'testFailed', { instanceId: job.instance.id, data: { testResultId: id, reason: message } });
      });
    };
    if (!dataset) throw fail('no testData variable and the model names no testData in its metadata');
    let path: string;
    try {
      path = resolveInside(lc.dataDir, dataset, 'testData');
    } catch (error) {
      throw fail((error as Error).message);
    }
    const label = typeof model.metadata.label === 'string' ? model.metadata.label : CREDIT_CARD_LABEL;
    let evaluation;
    try {
      const table = await loadDataset(path, label);
      // a test on rows the version was trained on says nothing about unseen data: refused
      if (version.trainingData === dataset) throw new EvaluationError(`v${n} was trained on ${dataset}: test on a later period or a declared hold-out set`);
      const seen = await rowsSeenInTraining(table, lc.dataDir, version.trainingData);
      if (seen) throw new EvaluationError(`${seen} of the ${table.rows.length} rows of ${dataset} are in v${n}'s training data (${version.trainingData}): test on held-out rows`);
      evaluation = await evaluateVersion(version, lc.registry.readArtifact(version), table, { label, thresholds, loader: lc.registry.loader(modelId, job.signal) });
    } catch (error) {
      if (error instanceof ModelRunawayError) throw runaway(lc, job, modelId, n, dataset, purpose, thresholds, error);
      // EvaluationError (data, model), MlcError (artifact): recorded as a failed test
      throw fail(error instanceof EvaluationError || error instanceof Error ? error.message : String(error));
    }
    const id = randomUUID();
    const { metrics, drift, verdict } = evaluation;
    return {
      variables: {
        testResultId: id,
        testPassed: verdict.passed,
        thresholdExceeded: !verdict.passed,
        accuracy: metrics.accuracy,
        precision: metrics.precision,
        recall: metrics.recall,
        f1: metrics.f1,
        auc: metrics.auc,
        logLoss: metrics.logLoss,
        confusionMatrix: metrics.confusion,
        maxPsi: drift?.maxPsi ?? null,
        driftedFeatures: drift?.drifted.join(', ') ?? '',
        psi: drift ? Object.fromEntries(drift.features.map((f) => [f.feature, f.psi])) : null,
        failureReason: verdict.passed ? null : `${modelId} v${n} on ${dataset}: ${verdict.reasons.join('; ')}`,
        testSummary: summary(modelId, n, dataset, metrics, drift?.maxPsi ?? null, verdict.reasons),
      },
      write: () => {
        lc.store.insertTestResult({
          id, modelId, version: n, dataset, purpose, passed: verdict.passed, metrics: metrics as never, drift: drift as never,
          verdict: verdict as never, error: null, instanceId: job.instance.id, createdAt: lc.engine.clock.now(),
        });
        lc.registry.note(modelId, n, 'tested', { instanceId: job.instance.id, data: { testResultId: id, passed: verdict.passed, purpose } });
        if (version.status === 'registered' && purpose !== 'backtest') markTested(lc, modelId, n, job.instance.id);
      },
    };
  });

/**
 * A model stopped for running too long or too large: recorded as a failed test, and the job
 * becomes an incident at once (ModelRunawayError is non-retryable) instead of being redelivered
 * to the same model.
 */
function runaway(lc: ModelLifecycle, job: JobContext, modelId: string, n: number, dataset: string, purpose: string, thresholds: Thresholds, error: ModelRunawayError): ModelRunawayError {
  const message = `test of ${modelId} v${n} on ${dataset} was stopped: ${error.message}`;
  lc.store.transaction(() => {
    lc.store.insertTestResult({
      id: randomUUID(), modelId, version: n, dataset, purpose, passed: false, metrics: null, drift: null,
      verdict: { passed: false, reasons: [message], thresholds }, error: message, instanceId: job.instance.id, createdAt: lc.engine.clock.now(),
    });
    lc.registry.note(modelId, n, 'modelStopped', { instanceId: job.instance.id, data: { reason: error.reason, message } });
  });
  return new ModelRunawayError(message, error.reason);
}

export function markTested(lc: ModelLifecycle, modelId: string, n: number, instanceId: string): void {
  if (lc.registry.version(modelId, n).status === 'registered') lc.registry.transition(modelId, n, 'tested', { instanceId });
}

function summary(modelId: string, n: number, dataset: string, m: { accuracy: number; auc: number | null; f1: number }, maxPsi: number | null, reasons: string[]): string {
  const figures = `accuracy ${m.accuracy.toFixed(3)}, AUC ${m.auc === null ? 'n/a' : m.auc.toFixed(3)}, F1 ${m.f1.toFixed(3)}${maxPsi === null ? '' : `, max PSI ${maxPsi.toFixed(3)}`}`;
  return `${modelId} v${n} on ${dataset}: ${figures}; ${reasons.length ? `FAILED: ${reasons.join('; ')}` : 'all thresholds met'}`;
}

