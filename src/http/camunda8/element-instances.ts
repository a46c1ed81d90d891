import type { ElementInstanceRecord, InstanceRecord } from '../../store/records.js';
import { ok } from '../respond.js';
import { compiledNodeOf } from '../../runtime/element-kind.js';
import { bodyOf, definitionLookup, isoDate, tenantOut, type V2Context, type V2Route } from './context.js';
import { equalsOf, filterOf, search } from './search.js';

const SCAN_LIMIT = 10_000;
const FIELDS = [
  'elementInstanceKey', 'processInstanceKey', 'processDefinitionKey', 'processDefinitionId', 'elementId', 'elementName', 'type', 'state',
  'hasIncident', 'incidentKey', 'tenantId', 'startDate',
] as const;

/** `serviceTask` → `SERVICE_TASK` (Camunda 8's element types). */
const typeName = (kind: string) => kind.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

/** The running instances a search names by processInstanceKey, or all running ones. */
export function instancesOfFilter(ctx: V2Context, body: Record<string, unknown>, fields: readonly string[]): InstanceRecord[] {
  const wanted = equalsOf(filterOf(body, fields).processInstanceKey);
  if (wanted) {
    const ids = wanted.map((k) => ctx.keys.idOf(String(k))).filter((id): id is string => id !== undefined);
    return ctx.engine.queries.instances({ ids, state: 'any', maxResults: SCAN_LIMIT });
  }
  return ctx.engine.queries.instances({ state: 'active', maxResults: SCAN_LIMIT });
}

/** Element instances of running process instances (the active ones; finished ones are in the Camunda 7 history). */
export function elementInstanceRoutes(ctx: V2Context): V2Route[] {
  return [{
    method: 'post',
    path: '/element-instances/search', summary: 'Search element instances of running process instances',
    handler: (req, res) => {
      const body = bodyOf(req);
      const lookup = definitionLookup(ctx);
      const items = ctx.keys.batch(() => instancesOfFilter(ctx, body, FIELDS).flatMap((instance) => {
        const incidents = ctx.engine.queries.incidentsOfInstance(instance.id);
        const graph = ctx.engine.graph(instance.definitionId);
        const rows = ctx.engine.queries.elementInstancesOf(instance.id);
        const elementIdOf = new Map(rows.map((ei) => [ei.id, ei.elementId]));
        return rows.map((ei: ElementInstanceRecord) => {
          // a multi-instance body is an element instance of its own (MULTI_INSTANCE_BODY, the activity's id), as in Zeebe
          const node = compiledNodeOf(graph, ei, ei.parentId === null ? undefined : elementIdOf.get(ei.parentId));
          const incident = incidents.find((i) => i.elementInstanceId === ei.id);
          return {
            elementInstanceKey: ctx.keys.keyOf(ei.id),
            processInstanceKey: ctx.keys.keyOf(instance.id),
            processDefinitionKey: ctx.keys.keyOf(instance.definitionId),
            processDefinitionId: instance.definitionKey,
            startDate: isoDate(ei.startedAt),
            endDate: null,
            elementId: ei.elementId,
            elementName: node?.name ?? null,
            type: typeName(node?.kind ?? 'unspecified'),
            state: 'ACTIVE',
            hasIncident: incident !== undefined,
            incidentKey: incident ? ctx.keys.keyOf(incident.id) : null,
            tenantId: tenantOut(lookup(instance.definitionId)?.tenantId),
          };
        });
      }));
      ok(res, search(items, body, FIELDS, FIELDS));
    },
  }];
}
