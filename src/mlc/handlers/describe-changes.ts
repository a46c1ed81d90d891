/**
 * `describe-changes`: what a reviewer needs on the approval task — the model's details, the
 * version's training facts, what changed against the version deployed on the target stage, and
 * the latest test result — as task-visible variables.
 */
import type { VersionRecord } from '../../store/registry-store.js';
import { modelRef, str, type BuiltinHandler } from './support.js';

export const describeChanges: BuiltinHandler = (lc) => async (job) => {
  const { modelId, version: n } = modelRef(job, 'DESCRIBE_FAILED');
  const model = lc.registry.model(modelId);
  const version = lc.registry.version(modelId, n);
  const stage = (str(job.variables, 'deployStage') ?? (typeof model.metadata.deployStage === 'string' ? model.metadata.deployStage : 'PROD')).toUpperCase();
  const deployed = lc.deployedVersion(modelId, stage);
  const previous = deployed && deployed.version !== n ? lc.registry.version(modelId, deployed.version) : null;
  const tests = lc.store.testResults({ modelId, version: n });
  const latest = tests[tests.length - 1] ?? null;
  const changes = describe(version, previous, lc);
  return {
    variables: {
      modelDetails: {
        id: model.id, name: model.name, type: model.type, ownerGroup: model.ownerGroup, version: n, status: version.status,
        sha256: version.sha256, features: version.features, trainingData: version.trainingData,
        ...splitTrainingFacts(version),
        createdByInstance: version.createdByInstance,
      },
      deployedVersion: previous ? previous.version : null,
      changes,
      changeSummary: changes.summary,
      latestTestResult: latest ? { id: latest.id, dataset: latest.dataset, dataNote: `scored on ${latest.dataset} (${latest.purpose})`, passed: latest.passed, metrics: latest.metrics, verdict: latest.verdict } : null,
    },
  };
};

function describe(version: VersionRecord, previous: VersionRecord | null, lc: Parameters<BuiltinHandler>[0]) {
  if (!previous) return { summary: `first deployment of ${version.modelId} (v${version.version})`, featuresAdded: version.features ?? [], featuresRemoved: [] as string[], metricDeltas: {} };
  const before = new Set(previous.features ?? []);
  const after = new Set(version.features ?? []);
  const featuresAdded = [...after].filter((f) => !before.has(f));
  const featuresRemoved = [...before].filter((f) => !after.has(f));
  const lastTest = (v: VersionRecord) => lc.store.testResults({ modelId: v.modelId, version: v.version }).filter((t) => t.passed || t.metrics).pop();
  const a = lastTest(previous)?.metrics as Record<string, number> | undefined;
  const b = lastTest(version)?.metrics as Record<string, number> | undefined;
  const metricDeltas: Record<string, number> = {};
  if (a && b) for (const k of ['accuracy', 'auc', 'f1', 'logLoss']) if (typeof a[k] === 'number' && typeof b[k] === 'number') metricDeltas[k] = Math.round((b[k]! - a[k]!) * 1e6) / 1e6;
  const parts = [`v${version.version} replaces deployed v${previous.version}`];
  if (featuresAdded.length) parts.push(`adds ${featuresAdded.join(', ')}`);
  if (featuresRemoved.length) parts.push(`drops ${featuresRemoved.join(', ')}`);
  if (version.trainingData !== previous.trainingData) parts.push(`trained on ${version.trainingData ?? 'unknown data'} (was ${previous.trainingData ?? 'unknown'})`);
  if (Object.keys(metricDeltas).length) parts.push(`metric deltas ${Object.entries(metricDeltas).map(([k, d]) => `${k} ${d >= 0 ? '+' : ''}${d.toFixed(4)}`).join(', ')}`);
  return { summary: parts.join('; '), featuresAdded, featuresRemoved, metricDeltas };
}

/** Figures that measure the model; everything else a trainer reports (threshold, iterations, loss, rows) is a training fact. */
const METRIC_NAMES = new Set(['confusion', 'accuracy', 'precision', 'recall', 'f1', 'auc', 'logLoss']);

/**
 * The card's sections: training metrics (only metrics, and they are on the training data itself,
 * so they say how well the model fits, not how well it generalises), and the hyperparameters
 * with the fit's own facts kept apart from them.
 */
function splitTrainingFacts(version: VersionRecord) {
  const trainingMetrics: Record<string, unknown> = {};
  const trainingFacts: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(version.trainingMetrics ?? {})) (METRIC_NAMES.has(k) ? trainingMetrics : trainingFacts)[k] = value;
  return {
    trainingMetrics,
    trainingMetricsData: version.trainingData ? `on the training data ${version.trainingData} (in-sample)` : 'in-sample',
    hyperParameters: { ...(version.hyperParameters ?? {}), ...trainingFacts },
  };
}
