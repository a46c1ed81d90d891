/**
 * `compare`: champion/challenger on the same labelled data. Both versions are scored, both test
 * results are recorded, and `challengerWins` plus per-metric deltas are returned.
 *
 * Reads: modelId, championVersion (else the version deployed on deployStage), challengerVersion
 * (else modelVersion), compareData (else testData, else metadata.compareData / testData),
 * primaryMetric (default auc), minImprovement (default 0).
 */
import { randomUUID } from 'node:crypto';
import { BpmnError } from '../../runtime/errors.js';
import { compareModels, COMPARED_METRICS, CREDIT_CARD_LABEL, ModelRunawayError, type ComparedMetric } from '../ml/index.js';
import { evaluateVersion, loadDataset, thresholdsFrom, type Evaluation } from '../registry/evaluation.js';
import { resolveInside } from '../registry/ids.js';
import { markTested } from './test.js';
import { withoutPaths } from '../errors.js';
import { num, once, str, type BuiltinHandler } from './support.js';

export const compare: BuiltinHandler = (lc) => async (job) =>
  once(lc, job, async () => {
    const v = job.variables;
    const modelId = str(v, 'modelId') ?? str(v, 'MODEL_ID');
    if (!modelId) throw new BpmnError('COMPARE_FAILED', 'the process has no modelId variable');
    try {
      const model = lc.registry.model(modelId);
      const challengerN = num(v, 'challengerVersion') ?? num(v, 'modelVersion');
      const championN = num(v, 'championVersion') ?? lc.deployedVersion(modelId, str(v, 'deployStage'))?.version ?? null;
      if (challengerN === null) throw new BpmnError('COMPARE_FAILED', 'no challengerVersion or modelVersion variable');
      const dataset = str(v, 'compareData') ?? str(v, 'testData') ?? (typeof model.metadata.compareData === 'string' ? model.metadata.compareData : null) ??
        (typeof model.metadata.testData === 'string' ? model.metadata.testData : null);
      if (!dataset) throw new BpmnError('COMPARE_FAILED', 'no compareData variable and the model names none in its metadata');
      const label = typeof model.metadata.label === 'string' ? model.metadata.label : CREDIT_CARD_LABEL;
      const thresholds = thresholdsFrom(v, model.metadata, lc.options.thresholds);
      const table = await loadDataset(resolveInside(lc.dataDir, dataset, 'compareData'), label);
      const challenger = lc.registry.version(modelId, challengerN);
      const challengerEval = await evaluateVersion(challenger, lc.registry.readArtifact(challenger), table, { label, thresholds, loader: lc.registry.loader(modelId, job.signal) });
      const primary = (str(v, 'primaryMetric') ?? 'auc') as ComparedMetric;
      if (!COMPARED_METRICS.includes(primary)) throw new BpmnError('COMPARE_FAILED', `primaryMetric must be one of ${COMPARED_METRICS.join(', ')}`);
      let championEval: Evaluation | null = null;
      if (championN !== null) {
        const champion = lc.registry.version(modelId, championN);
        championEval = await evaluateVersion(champion, lc.registry.readArtifact(champion), table, { label, thresholds, loader: lc.registry.loader(modelId, job.signal) });
      }
      const values = (e: Evaluation) => ({ ...e.metrics, auc: e.metrics.auc ?? 0.5 });
      const comparison = championEval ? compareModels(values(championEval), values(challengerEval), { primary, minImprovement: num(v, 'minImprovement') ?? 0 }) : null;
      const challengerWins = comparison ? comparison.challengerWins : challengerEval.verdict.passed;
      const deltas = comparison ? Object.fromEntries(Object.entries(comparison.metrics).map(([k, d]) => [k, Math.round(d.delta * 1e6) / 1e6])) : {};
      const ids = { challenger: randomUUID(), champion: randomUUID() };
      const summary = comparison
        ? `challenger v${challengerN} ${primary} ${comparison.metrics[primary].challenger.toFixed(4)} vs champion v${championN} ${primary} ${comparison.metrics[primary].champion.toFixed(4)} on ${dataset}: ${challengerWins ? 'challenger wins' : 'champion stays'}`
        : `no champion deployed; challenger v${challengerN} ${challengerEval.verdict.passed ? 'meets' : 'misses'} the thresholds`;
      return {
        variables: {
          challengerWins,
          championVersion: championN,
          challengerVersion: challengerN,
          deltas,
          comparisonSummary: summary,
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
              drift: e.drift as never, verdict: { ...e.verdict, role, comparison: summary } as never, error: null, instanceId: job.instance.id, createdAt: now,
            });
          record(ids.challenger, challengerN, challengerEval, 'challenger');
          if (championEval && championN !== null) record(ids.champion, championN, championEval, 'champion');
          lc.registry.note(modelId, challengerN, 'compared', { instanceId: job.instance.id, data: { championVersion: championN, challengerWins, deltas, summary } });
          markTested(lc, modelId, challengerN, job.instance.id);
        },
      };
    } catch (error) {
      // a runaway model is not a business outcome: it becomes an incident (NonRetryableError)
      if (error instanceof BpmnError || error instanceof ModelRunawayError) throw error;
      throw new BpmnError('COMPARE_FAILED', withoutPaths((error as Error).message, lc.dataDir));
    }
  });
