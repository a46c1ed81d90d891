/**
 * The model card of an approval task: what a reviewer needs to decide, read from the task's
 * variables. The model-lifecycle processes name these variables in a few ways (flat or nested
 * under `model` / `testResult`); this folds them into one shape the UI draws.
 */
export interface ModelCard {
  modelId: string | null;
  modelName: string | null;
  modelType: string | null;
  version: string | null;
  deployedVersion: string | null;
  changes: Array<{ what: string; from: string | null; to: string | null }>;
  trainingMetrics: Record<string, number>;
  testMetrics: Record<string, number>;
  psi: Array<{ feature: string; value: number }>;
  thresholds: Record<string, number>;
  psiThreshold: number | null;
  verdict: string | null;
}

type Vars = Record<string, unknown>;

const isObject = (v: unknown): v is Vars => v !== null && typeof v === 'object' && !Array.isArray(v);

function pick(sources: Vars[], names: string[]): unknown {
  for (const source of sources) for (const name of names) if (source[name] !== undefined && source[name] !== null) return source[name];
  return undefined;
}

function text(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** `{auc: 0.9, accuracy: "0.8"}` → numbers only; anything else → {}. */
function numbers(value: unknown): Record<string, number> {
  const result: Record<string, number> = {};
  if (!isObject(value)) return result;
  for (const [name, v] of Object.entries(value)) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isFinite(n)) result[name] = n;
  }
  return result;
}

/** PSI per feature from `{amount: 0.31}` or `[{feature, psi|value}]`. */
function psiList(value: unknown): Array<{ feature: string; value: number }> {
  if (Array.isArray(value)) {
    return value
      .filter(isObject)
      .map((item) => ({ feature: String(item.feature ?? item.name ?? '?'), value: Number(item.psi ?? item.value) }))
      .filter((item) => Number.isFinite(item.value));
  }
  return Object.entries(numbers(value)).map(([feature, v]) => ({ feature, value: v }));
}

function changeList(value: unknown): ModelCard['changes'] {
  if (typeof value === 'string') return value.trim() ? [{ what: value, from: null, to: null }] : [];
  if (Array.isArray(value)) {
    return value.map((item) => (isObject(item)
      ? { what: String(item.what ?? item.field ?? item.name ?? ''), from: text(item.from ?? item.old), to: text(item.to ?? item.new) }
      : { what: String(item), from: null, to: null }));
  }
  if (isObject(value)) {
    return Object.entries(value).map(([what, v]) => (isObject(v) && ('from' in v || 'to' in v)
      ? { what, from: text(v.from), to: text(v.to) }
      : { what, from: null, to: text(v) }));
  }
  return [];
}

const FLAT_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'auc', 'logLoss'];

/** `changes` as the describe-changes handler writes it: summary, features added / removed, metric deltas. */
function handlerChanges(value: Vars): ModelCard['changes'] {
  const list: ModelCard['changes'] = [];
  if (typeof value.summary === 'string' && value.summary) list.push({ what: value.summary, from: null, to: null });
  const names = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  if (names(value.featuresAdded).length) list.push({ what: 'features added', from: null, to: names(value.featuresAdded).join(', ') });
  if (names(value.featuresRemoved).length) list.push({ what: 'features removed', from: names(value.featuresRemoved).join(', '), to: null });
  for (const [metric, delta] of Object.entries(numbers(value.metricDeltas))) list.push({ what: `${metric} change`, from: null, to: `${delta >= 0 ? '+' : ''}${delta}` });
  return list;
}

/**
 * The card, or null when the variables describe no model (not an approval of a model). Reads the
 * variables the model-lifecycle handlers set (`modelId`, `modelVersion`, `modelDetails`,
 * `deployedVersion`, `changes`, `latestTestResult`, the test's flat metrics and `psi`) and
 * tolerates a few other spellings (`model`, `testResult`, `testMetrics`, `thresholds`).
 */
export function modelCardFrom(variables: Vars): ModelCard | null {
  const details = isObject(variables.modelDetails) ? variables.modelDetails : isObject(variables.model) ? variables.model : {};
  const latest = isObject(variables.latestTestResult) ? variables.latestTestResult
    : isObject(variables.testResult) ? variables.testResult : isObject(variables.testResults) ? variables.testResults : {};
  const verdict = isObject(latest.verdict) ? latest.verdict : isObject(variables.verdict) ? variables.verdict : {};
  const modelId = text(pick([variables, details], ['modelId', 'MODEL_ID', 'id']));
  if (modelId === null && Object.keys(details).length === 0) return null;

  const thresholds = { ...numbers(verdict.thresholds), ...numbers(pick([variables, details], ['thresholds'])) };
  // (a flat `maxPsi` is the test's observed maximum, not a limit: limits come from the verdict or these names)
  for (const name of ['minAccuracy', 'minAuc', 'maxLogLoss', 'psiThreshold']) {
    const n = Number(variables[name]);
    if (variables[name] !== undefined && variables[name] !== null && Number.isFinite(n)) thresholds[name] = n;
  }
  const flat = Object.fromEntries(FLAT_METRICS.filter((m) => typeof variables[m] === 'number').map((m) => [m, variables[m] as number]));
  const testMetrics = { ...numbers(latest.metrics), ...numbers(pick([variables], ['testMetrics', 'metrics'])), ...flat };
  const rawChanges = pick([variables], ['changes', 'changesVsDeployed', 'diff']);
  const changes = isObject(rawChanges) && ('summary' in rawChanges || 'featuresAdded' in rawChanges) ? handlerChanges(rawChanges) : changeList(rawChanges ?? variables.changeSummary);
  const psiThreshold = thresholds.maxPsi ?? thresholds.psi ?? thresholds.psiThreshold ?? null;
  const drift = isObject(latest.drift) ? latest.drift : {};
  const verdictText = typeof verdict.passed === 'boolean'
    ? `${verdict.passed ? 'passed' : 'failed'}${Array.isArray(verdict.reasons) && verdict.reasons.length ? `: ${verdict.reasons.join('; ')}` : ''}`
    : typeof variables.testPassed === 'boolean' ? (variables.testPassed ? 'passed' : `failed${variables.failureReason ? `: ${String(variables.failureReason)}` : ''}`)
      : text(pick([variables], ['verdict', 'testVerdict']));
  return {
    modelId,
    modelName: text(pick([details, variables], ['name', 'modelName'])),
    modelType: text(pick([details, variables], ['type', 'modelType'])),
    version: text(pick([variables, details], ['modelVersion', 'versionNumber', 'version'])),
    deployedVersion: text(pick([variables], ['deployedVersion', 'championVersion', 'currentVersion'])),
    changes,
    trainingMetrics: numbers(pick([details, variables], ['trainingMetrics'])),
    testMetrics,
    psi: psiList(pick([variables, latest], ['psi', 'psiByFeature', 'driftPerFeature']) ?? drift.features),
    thresholds,
    psiThreshold,
    verdict: verdictText,
  };
}
