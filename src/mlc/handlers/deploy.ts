/**
 * `deploy`: finds a runtime by stage + tags + capability, loads the version into the runtime's
 * hot-swapped scoring session and records the deployment; the version becomes `deployed` and
 * the one it replaces on that runtime `retired`. BpmnError('DEPLOY_FAILED', reason) when no
 * runtime matches, the input schema does not fit, or the model fails to load — the runtime
 * keeps serving what it served.
 *
 * Reads: modelId, modelVersion, deployStage (else metadata.deployStage, else PROD), runtimeTags
 * (else metadata.runtimeTags), requiredCapability (else metadata.requiredCapability), runtimeName
 * (optional, pins a runtime).
 */
import type { RuntimeRecord, VersionRecord } from '../../store/registry-store.js';
import { DeployError } from '../registry/runtimes.js';
import { asBpmnError, lastTaskActor, list, modelRef, once, RecordedBpmnError, str, type BuiltinHandler } from './support.js';
import { fourEyesApplies, submittersOf } from '../approval-guard.js';
import { identityOf } from '../../identity/identity-service.js';

export const deploy: BuiltinHandler = (lc) => async (job) =>
  once(lc, job, async () => {
    const { modelId, version: n } = modelRef(job, 'DEPLOY_FAILED');
    let version: VersionRecord;
    let metadata: Record<string, unknown>;
    try {
      metadata = lc.registry.model(modelId).metadata;
      version = lc.registry.version(modelId, n);
    } catch (error) {
      asBpmnError(error, 'DEPLOY_FAILED');
    }
    const v = job.variables;
    const stage = (str(v, 'deployStage') ?? (typeof metadata.deployStage === 'string' ? metadata.deployStage : null) ?? 'PROD').toUpperCase();
    const tags = v.runtimeTags !== undefined && v.runtimeTags !== null ? list(v.runtimeTags) : list(metadata.runtimeTags);
    const capability = str(v, 'requiredCapability') ?? (typeof metadata.requiredCapability === 'string' ? metadata.requiredCapability : null);
    const failed = (reason: string) =>
      new RecordedBpmnError('DEPLOY_FAILED', reason, { deployError: reason, failureReason: reason }, () =>
        lc.registry.note(modelId, n, 'deployFailed', { instanceId: job.instance.id, data: { reason, stage, tags, capability } }),
      );
    if (version.status !== 'approved' && version.status !== 'deployed') {
      throw failed(`${modelId} v${n} is ${version.status}; only an approved version can be deployed`);
    }
    // four-eyes, also for approvals that did not come over HTTP: whoever submitted the version does not deploy it
    const approver = lastTaskActor(lc, job.instance.id);
    if (identityOf(lc.engine).authorization.enabled && approver !== null && fourEyesApplies(lc, lc.registry.model(modelId)) && submittersOf(lc, modelId, n).includes(approver)) {
      throw failed(`four-eyes: ${approver} submitted ${modelId} v${n} and cannot also approve and deploy it`);
    }
    const pinned = str(v, 'runtimeName');
    let candidates: RuntimeRecord[];
    try {
      candidates = pinned ? [lc.runtimes.get(pinned)] : lc.runtimes.find({ stage, tags, capability });
    } catch (error) {
      throw failed((error as Error).message);
    }
    if (candidates.length === 0) {
      throw failed(`no runtime matches stage ${stage}${tags.length ? `, tags [${tags.join(', ')}]` : ''}${capability ? `, capability '${capability}'` : ''} for ${modelId} v${n}`);
    }
    const fitting = candidates.filter((r) => lc.runtimes.schemaMismatch(r, version) === null);
    if (fitting.length === 0) throw failed(candidates.map((r) => lc.runtimes.schemaMismatch(r, version)).join('; '));
    let runtime: RuntimeRecord;
    try {
      runtime = await lc.runtimes.load(fitting[0]!.name, version);
    } catch (error) {
      if (error instanceof DeployError) throw failed(error.message);
      throw error;
    }
    let deploymentId = '';
    return {
      variables: { runtimeName: runtime.name, deployedStage: runtime.stage, deployedVersion: n },
      write: () => {
        const previous = lc.runtimes.active(runtime.name);
        const deployment = lc.runtimes.recordDeployment(runtime, version, job.instance.id);
        deploymentId = deployment.id;
        if (lc.registry.version(modelId, n).status === 'approved') {
          lc.registry.transition(modelId, n, 'deployed', { instanceId: job.instance.id, data: { runtime: runtime.name, deploymentId } });
        }
        if (previous && !(previous.modelId === modelId && previous.version === n) && lc.store.activeDeploymentCount(previous.modelId, previous.version) === 0) {
          const old = lc.registry.version(previous.modelId, previous.version);
          if (old.status === 'deployed') {
            lc.registry.transition(previous.modelId, previous.version, 'retired', {
              instanceId: job.instance.id, reason: `replaced by ${modelId} v${n} on runtime ${runtime.name}`,
            });
          }
        }
      },
      after: () => {
        lc.logger.info({ modelId, version: n, runtime: runtime.name, deploymentId }, 'deployed');
      },
    };
  });
