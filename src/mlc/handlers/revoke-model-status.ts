/**
 * `revoke-model-status`: the compensation of a status this instance gave a version (OnModelChanged's
 * "Revoke approval"): deployed → retired, approved → rejected, with the reason (failureReason) in
 * the status event. Other statuses are left as they are.
 *
 * Reads: modelId, modelVersion, failureReason.
 */
import type { VersionStatus } from '../registry/status.js';
import { lastTaskActor, modelRef, once, str, type BuiltinHandler } from './support.js';

const REVOKED: Partial<Record<VersionStatus, VersionStatus>> = { deployed: 'retired', approved: 'rejected' };

export const revokeModelStatus: BuiltinHandler = (lc) => async (job) =>
  once(lc, job, async () => {
    const { modelId, version } = modelRef(job, 'STATUS_FAILED');
    const current = lc.registry.version(modelId, version).status as VersionStatus;
    const next = REVOKED[current];
    if (!next) return { variables: { modelStatus: current } };
    const reason = `revoked: ${str(job.variables, 'failureReason') ?? 'the process compensated it'}`;
    return {
      variables: { modelStatus: next },
      write: () => {
        lc.registry.transition(modelId, version, next, { instanceId: job.instance.id, actor: lastTaskActor(lc, job.instance.id), reason });
      },
    };
  });
