/**
 * `set-model-status`: records a decision as a legal status move (approved, rejected, retired),
 * attributed to the person who completed the latest user task of the instance.
 *
 * Reads: status (an input mapping on the task), modelId, modelVersion, comment / reason.
 */
import { BpmnError } from '../../runtime/errors.js';
import { MlcError } from '../errors.js';
import { canMove, isVersionStatus, type VersionStatus } from '../registry/status.js';
import { lastTaskActor, modelRef, once, str, type BuiltinHandler } from './support.js';

export const setModelStatus: BuiltinHandler = (lc) => async (job) =>
  once(lc, job, async () => {
    const { modelId, version } = modelRef(job, 'STATUS_FAILED');
    const status = str(job.variables, 'status');
    if (!status) throw new BpmnError('STATUS_FAILED', 'set-model-status needs a status input');
    const reason = str(job.variables, 'comment') ?? str(job.variables, 'reason') ?? str(job.variables, 'comparisonSummary');
    const actor = lastTaskActor(lc, job.instance.id);
    // validate now, so an illegal move is a business error and nothing is written
    const current = lc.registry.version(modelId, version);
    if (current.status !== status) {
      if (!isVersionStatus(status) || !canMove(current.status as VersionStatus, status)) {
        throw new BpmnError('STATUS_FAILED', `${modelId} v${version} is ${current.status}; it cannot become ${status}`);
      }
    }
    return {
      variables: { modelStatus: status },
      write: () => {
        try {
          lc.registry.transition(modelId, version, status, { instanceId: job.instance.id, actor, reason, data: { decidedBy: actor } });
        } catch (error) {
          if (error instanceof MlcError) throw new BpmnError('STATUS_FAILED', error.message);
          throw error;
        }
      },
    };
  });
