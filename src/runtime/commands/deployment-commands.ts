import type { Effect } from '../effects.js';
import type { EngineCore } from '../engine-core.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { cancelInstance } from './instance-commands.js';

/**
 * Deletes a deployment as one command, so it is serialised with starts: a start committed before
 * it is one of the running instances it cancels (cascade), a start after it finds no definition
 * and is refused with a 404 (startInstance checks). Its timer start jobs and message/signal start
 * subscriptions go in the same transaction, so no timer starts an instance of it afterwards, and
 * so do its decision definitions.
 */
export function deleteDeployment(
  core: EngineCore,
  deploymentId: string,
  cascade: boolean,
  effects: Effect[],
): void {
  if (!core.repository.getDeployment(deploymentId)) throw new NotFoundError(`Deployment with id '${deploymentId}' does not exist`);
  const definitionIds = core.repository.definitionsOfDeployment(deploymentId).map((d) => d.id);
  const running = definitionIds.flatMap((id) => core.repository.activeInstanceIdsOf(id));
  if (running.length > 0 && !cascade) {
    throw new BadRequestError(`Deployment '${deploymentId}' has ${running.length} running process instance(s): delete with cascade=true to cancel them`);
  }
  for (const instanceId of running) {
    // cancelling a calling instance may already have ended one of its called instances
    if (core.runtime.getInstance(instanceId)?.state !== 'active') continue;
    cancelInstance(core, instanceId, `Deployment ${deploymentId} deleted`, effects);
  }
  core.changes.add({ kind: 'deleteDeployment', deploymentId });
}
