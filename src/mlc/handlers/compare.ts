/**
 * `compare`: champion/challenger on the same held-out rows. Both versions are scored on one
 * table (rows neither was trained on: a dataset that shares rows with either model's training
 * data is refused), both test results are recorded with the rows' fingerprint, and the deciding
 * metric's difference gets a seeded paired-bootstrap confidence interval: `challengerWins` only
 * when the interval's lower bound clears `minImprovement`.
 *
 * Reads: modelId, championVersion (else the version deployed on deployStage), challengerVersion
 * (else modelVersion), compareData (else testData, else metadata.compareData / testData),
 * primaryMetric (auc or accuracy, default auc), minImprovement (default 0), bootstrapResamples
 * (default 1000), bootstrapSeed — each a variable, else the model's metadata.
 *
 * Sets challengerWins, deltas, comparisonSummary, primaryInterval, and `comparison`: the card's
 * side-by-side figures (metrics, confusion matrix, ROC points, PSI per feature for both models
 * against the compared data), each naming the data it came from.
 */
import { randomUUID } from 'node:crypto';
import { BpmnError } from '../../runtime/errors.js';
import type { VersionRecord } from '../../store/registry-store.js';
import {
  BOOTSTRAP_METRICS, bootstrapDifference, compareModels, CREDIT_CARD_LABEL, ModelRunawayError, rocCurve, type BootstrapInterval, type BootstrapMetric, type Table,
} from '../ml/index.js';
import { evaluateVersion, loadDataset, thresholdsFrom, type Evaluation } from '../registry/evaluation.js';
import { fingerprint, rowsSeenInTraining, type RowsFingerprint } from '../registry/held-out.js';
import { resolveInside } from '../registry/ids.js';
import type { ModelLifecycle } from '../lifecycle.js';
import { markTested } from './test.js';
import { withoutPaths } from '../errors.js';
import { num, once, str, type BuiltinHandler } from './support.js';

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export const compare: BuiltinHandler = (lc) => async (job) =>
  once(lc, job, async () => {
    const v = job.variables;
    const modelId = str(v, 'modelId') ?? str(v, 'MODEL_ID');
    if (!modelId) throw new BpmnError('COMPARE_FAILED', 'the process has no modelId variable');
    try {
      const model = lc.registry.model(modelId);
      const setting = (key: string) => num(v, key) ?? (typeof model.metadata[key] === 'number' ? (model.metadata[key] as number) : null);
      const challengerN = num(v, 'challengerVersion') ?? num(v, 'modelVersion');
      const championN = num(v, 'championVersion') ?? lc.deployedVersion(modelId, str(v, 'deployStage'))?.version ?? null;
      if (challengerN === null) throw new BpmnError('COMPARE_FAILED', 'no challengerVersion or modelVersion variable');
      const dataset = str(v, 'compareData') ?? str(v, 'testData') ?? (typeof model.metadata.compareData === 'string' ? model.metadata.compareData : null) ??
        (typeof model.metadata.testData === 'string' ? model.metadata.testData : null);
      if (!dataset) throw new BpmnError('COMPARE_FAILED', 'no compareData variable and the model names none in its metadata');
      const primary = (str(v, 'primaryMetric') ?? (typeof model.metadata.primaryMetric === 'string' ? model.metadata.primaryMetric : 'auc')) as BootstrapMetric;
      if (!BOOTSTRAP_METRICS.includes(primary)) throw new BpmnError('COMPARE_FAILED', `primaryMetric must be one of ${BOOTSTRAP_METRICS.join(', ')} (the metrics with a confidence interval)`);
      const minImprovement = setting('minImprovement') ?? 0;
      const label = typeof model.metadata.label === 'string' ? model.metadata.label : CREDIT_CARD_LABEL;
      const thresholds = thresholdsFrom(v, model.metadata, lc.options.thresholds);
      const table = await loadDataset(resolveInside(lc.dataDir, dataset, 'compareData'), label);
      const rows = fingerprint(table);
      const challenger = lc.registry.version(modelId, challengerN);
      const champion = championN !== null ? lc.registry.version(modelId, championN) : null;
      for (const version of [challenger, champion]) if (version) await requireHeldOut(lc, version, dataset, table);
      const score = (version: VersionRecord) =>
        evaluateVersion(version, lc.registry.readArtifact(version), table, { label, thresholds, loader: lc.registry.loader(modelId, job.signal) });
      const challengerEval = await score(challenger);
      const championEval = champion ? await score(champion) : null;

      const values = (e: Evaluation) => ({ ...e.metrics, auc: e.metrics.auc ?? 0.5 });
      const comparison = championEval ? compareModels(values(championEval), values(challengerEval), { primary }) : null;
      const interval = championEval
        ? bootstrapDifference(challengerEval.scored.labels, championEval.scored.probabilities, challengerEval.scored.probabilities, {
          metric: primary, resamples: setting('bootstrapResamples') ?? 1000, seed: setting('bootstrapSeed') ?? undefined,
        })
        : null;
      const challengerWins = interval ? interval.low > minImprovement : challengerEval.verdict.passed;
      const deltas = comparison ? Object.fromEntries(Object.entries(comparison.metrics).map(([k, d]) => [k, round(d.delta)])) : {};
      const ids = { challenger: randomUUID(), champion: randomUUID() };
      const summary = interval && comparison
        ? `challenger v${challengerN} ${primary} ${comparison.metrics[primary].challenger.toFixed(4)} vs champion v${championN} ${primary} ${comparison.metrics[primary].champion.toFixed(4)} ` +
          `on ${dataset} (${rows.rows} held-out rows): Δ ${signed(interval.delta)}, ${Math.round(interval.level * 100)}% CI [${signed(interval.low)}, ${signed(interval.high)}] ` +
          `${challengerWins ? 'clears' : 'does not clear'} the margin ${minImprovement}: ${challengerWins ? 'challenger wins' : 'champion stays'}`
        : `no champion deployed; challenger v${challengerN} ${challengerEval.verdict.passed ? 'meets' : 'misses'} the thresholds on ${dataset}`;
      const side = (version: VersionRecord, e: Evaluation) => ({
        version: version.version,
        trainingData: version.trainingData,
        metrics: e.metrics,
        roc: rocCurve(e.scored.labels, e.scored.probabilities),
        psi: e.drift?.features ?? [],
        maxPsi: e.drift?.maxPsi ?? null,
      });
      const card = {
        data: { dataset, ...rows, heldOut: true, note: `scored on ${dataset}; no row of it is in the training data of ${[champion, challenger].filter(Boolean).map((x) => `v${x!.version} (${x!.trainingData ?? 'unknown'})`).join(' or ')}` },
        primaryMetric: primary,
        minImprovement,
        interval: interval ? roundInterval(interval) : null,
        challengerWins,
        deltas,
        champion: champion && championEval ? side(champion, championEval) : null,
        challenger: side(challenger, challengerEval),
      };
      return {
        variables: {
          challengerWins,
          championVersion: championN,
          challengerVersion: challengerN,
          deltas,
          comparisonSummary: summary,
          comparison: card,
          primaryInterval: card.interval,
          challengerTestResultId: ids.challenger,
          testResultId: ids.challenger,
          accuracy: challengerEval.metrics.accuracy,
          auc: challengerEval.metrics.auc,
          [`${primary}Delta`]: (deltas as Record<string, number>)[primary] ?? null,
        },
        write: () => {
          const now = lc.engine.clock.now();
          const record = (id: string, n: number, e: Evaluation, role: string) =>
            lc.store.insertTestResult({
              id, modelId, version: n, dataset, purpose: `compare-${role}`, passed: e.verdict.passed, metrics: e.metrics as never,
              drift: e.drift as never, verdict: { ...e.verdict, role, comparison: summary, rows: rows as RowsFingerprint, interval: card.interval } as never,
              error: null, instanceId: job.instance.id, createdAt: now,
            });
          record(ids.challenger, challengerN, challengerEval, 'challenger');
          if (championEval && championN !== null) record(ids.champion, championN, championEval, 'champion');
          lc.registry.note(modelId, challengerN, 'compared', { instanceId: job.instance.id, data: { championVersion: championN, challengerWins, deltas, interval: card.interval, rows, summary } });
          markTested(lc, modelId, challengerN, job.instance.id);
        },
      };
    } catch (error) {
      // a runaway model is not a business outcome: it becomes an incident (NonRetryableError)
      if (error instanceof BpmnError || error instanceof ModelRunawayError) throw error;
      throw new BpmnError('COMPARE_FAILED', withoutPaths((error as Error).message, lc.dataDir));
    }
  });

/** A comparison on rows a model was trained on flatters it: refused with the count. */
async function requireHeldOut(lc: ModelLifecycle, version: VersionRecord, dataset: string, table: Table): Promise<void> {
  if (version.trainingData === dataset) {
    throw new BpmnError('COMPARE_FAILED', `v${version.version} was trained on ${dataset}: compare on a later period or a declared hold-out set (compareData)`);
  }
  const seen = await rowsSeenInTraining(table, lc.dataDir, version.trainingData);
  if (seen) throw new BpmnError('COMPARE_FAILED', `${seen} of the ${table.rows.length} rows of ${dataset} are in the training data of v${version.version} (${version.trainingData}): compare on held-out rows`);
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
const roundInterval = (i: BootstrapInterval) => ({ ...i, delta: round(i.delta), low: round(i.low), high: round(i.high) });
