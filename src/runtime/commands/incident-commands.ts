import type { Effect } from '../effects.js';
import { inInstance, type EngineCore } from '../engine-core.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { setJobRetries } from './job-commands.js';

/**
 * Resolves an incident. A failed job gets one more attempt; any other incident re-runs the
 * element's activation (after someone fixed the variables it tripped on).
 */
export function resolveIncident(core: EngineCore, incidentId: string, effects: Effect[], actor?: string | null): void {
  const incident = core.runtime.getIncident(incidentId);
  if (!incident) throw new NotFoundError(`No incident with id '${incidentId}'`);
  if (incident.jobId && core.runtime.getJob(incident.jobId)) return setJobRetries(core, incident.jobId, 1, effects);
  inInstance(core, incident.instanceId, effects, (step) => {
    core.changes.add({ kind: 'deleteIncident', id: incident.id });
    step.recordHistory({ kind: 'incidentResolved', elementInstanceId: incident.elementInstanceId, elementId: incident.elementId, data: JSON.stringify({ id: incident.id }) });
    const ei = incident.elementInstanceId ? step.elementInstance(incident.elementInstanceId) : undefined;
    if (!ei) throw new BadRequestError(`Incident '${incidentId}' has no element instance to retry`);
    const node = step.node(ei);
    if (core.runtime.incidentsOfElementInstance(ei.id).every((other) => other.id === incident.id)) {
      // its last incident: the element runs normally again (a join is considered for firing again)
      const { incident: _resolved, ...data } = ei.data;
      ei.data = data;
      ei.changed = true;
    }
    step.schedule(ei, () => {
      // the element stays active; run its activation work again
      step.processor(ei).onActivate(step, ei, node);
    });
  }, actor);
}
