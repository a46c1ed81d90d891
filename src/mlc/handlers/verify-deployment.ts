/**
 * `verify-deployment`: after `deploy`, checks that the runtime really serves the new version and,
 * with a smoke data set, that it scores it: every row gets a probability in [0, 1]. A runtime
 * that serves something else, or cannot score the smoke rows, is BpmnError('DEPLOY_FAILED') with
 * the reason — in OnModelChanged that rolls the deployment back by compensation (`undeploy-model`,
 * `revoke-model-status`).
 *
 * Reads: modelId, modelVersion, runtimeName (set by deploy), smokeTestData (else
 * metadata.smokeTestData; without one only the served version is checked), smokeRows (default 50).
 */
import { CREDIT_CARD_LABEL } from '../ml/index.js';
import { loadDataset } from '../registry/evaluation.js';
import { resolveInside } from '../registry/ids.js';
import { withoutPaths } from '../errors.js';
import { modelRef, num, once, RecordedBpmnError, str, type BuiltinHandler } from './support.js';

const DEFAULT_SMOKE_ROWS = 50;

export const verifyDeployment: BuiltinHandler = (lc) => async (job) =>
  once(lc, job, async () => {
    const { modelId, version: n } = modelRef(job, 'DEPLOY_FAILED');
    const runtimeName = str(job.variables, 'runtimeName');
    const failed = (reason: string) => {
      const message = withoutPaths(`verification of ${modelId} v${n} on runtime '${runtimeName ?? '?'}' failed: ${reason}`, lc.dataDir);
      return new RecordedBpmnError('DEPLOY_FAILED', message, { deployError: message, failureReason: message }, () =>
        lc.registry.note(modelId, n, 'deployVerificationFailed', { instanceId: job.instance.id, data: { runtime: runtimeName, reason: message } }),
      );
    };
    if (!runtimeName) throw failed('no runtimeName variable: run deploy first');
    const active = lc.runtimes.active(runtimeName);
    if (!active || active.modelId !== modelId || active.version !== n) {
      throw failed(`the runtime serves ${active ? `${active.modelId} v${active.version}` : 'nothing'}`);
    }
    const metadata = lc.registry.model(modelId).metadata;
    const dataset = str(job.variables, 'smokeTestData') ?? (typeof metadata.smokeTestData === 'string' ? metadata.smokeTestData : null);
    if (!dataset) return { variables: { deploymentVerified: true } };
    const label = typeof metadata.label === 'string' ? metadata.label : CREDIT_CARD_LABEL;
    let rows: Array<Record<string, number>>;
    try {
      const table = await loadDataset(resolveInside(lc.dataDir, dataset, 'smokeTestData'), label);
      const limit = Math.max(1, Math.min(num(job.variables, 'smokeRows') ?? DEFAULT_SMOKE_ROWS, 1000));
      rows = table.rows.slice(0, limit).map((row) => Object.fromEntries(table.columns.map((column, i) => [column, row[i]!]).filter(([column]) => column !== label)));
    } catch (error) {
      throw failed(`smoke data ${dataset}: ${(error as Error).message}`);
    }
    let probabilities: number[];
    try {
      probabilities = (await lc.runtimes.score(runtimeName, rows)).predictions.map((p) => p.probability);
    } catch (error) {
      throw failed(`scoring ${rows.length} smoke rows of ${dataset}: ${(error as Error).message}`);
    }
    const bad = probabilities.findIndex((p) => !Number.isFinite(p) || p < 0 || p > 1);
    if (bad >= 0) throw failed(`smoke row ${bad + 1} of ${dataset} scored ${probabilities[bad]}, not a probability`);
    return { variables: { deploymentVerified: true, smokeRowsScored: rows.length } };
  });
