/**
 * `undeploy-model`: the compensation of `deploy` (OnModelChanged's "Undeploy and restore the
 * previous champion"). If the runtime still serves this instance's deployment of the version, the
 * version it replaced there is loaded back (hot swap) and recorded as the active deployment again,
 * and put back from retired to deployed in the registry; with no previous one the runtime stops
 * serving. A runtime someone else has deployed to since is left alone.
 *
 * Reads: modelId, modelVersion, runtimeName (set by deploy).
 */
import type { DeploymentRecord, VersionRecord } from '../../store/registry-store.js';
import { BpmnError } from '../../runtime/errors.js';
import { modelRef, once, str, type BuiltinHandler } from './support.js';

export const undeployModel: BuiltinHandler = (lc) => async (job) =>
  once(lc, job, async () => {
    const { modelId, version: n } = modelRef(job, 'UNDEPLOY_FAILED');
    const runtimeName = str(job.variables, 'runtimeName');
    if (!runtimeName) return { variables: { rolledBack: false } }; // deploy never chose a runtime: nothing to undo
    const history = lc.store.deployments({ runtime: runtimeName });
    const ours = history.findLastIndex((d) => d.modelId === modelId && d.version === n && d.instanceId === job.instance.id);
    if (ours < 0 || history[ours]!.status !== 'active') return { variables: { rolledBack: false } };
    const previous: DeploymentRecord | undefined = history.slice(0, ours).reverse().find((d) => !(d.modelId === modelId && d.version === n));
    let restored: VersionRecord | null = null;
    if (previous) {
      restored = lc.registry.version(previous.modelId, previous.version);
      try {
        await lc.runtimes.load(runtimeName, restored);
      } catch (error) {
        // the runtime keeps serving the failed version: an incident for a person, not a silent half rollback
        throw new BpmnError('UNDEPLOY_FAILED', `runtime '${runtimeName}' could not load back ${previous.modelId} v${previous.version}: ${(error as Error).message}`);
      }
    } else {
      await lc.runtimes.undeploy(runtimeName);
    }
    return {
      variables: { rolledBack: true, restoredModelId: restored?.modelId ?? null, restoredVersion: restored?.version ?? null },
      write: () => {
        if (!restored) return;
        lc.store.endDeploymentsOn(runtimeName, 'undeployed', lc.engine.clock.now());
        lc.runtimes.recordDeployment(lc.runtimes.get(runtimeName), restored, job.instance.id);
        if (lc.registry.version(restored.modelId, restored.version).status === 'retired') {
          lc.registry.reinstate(restored.modelId, restored.version, { instanceId: job.instance.id, reason: `rollback of ${modelId} v${n} on runtime ${runtimeName}` });
        }
      },
      after: () => {
        lc.logger.info({ modelId, version: n, runtime: runtimeName, restored: restored && `${restored.modelId} v${restored.version}` }, 'deployment rolled back');
      },
    };
  });
