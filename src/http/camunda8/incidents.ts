import { NotFoundError } from '../../runtime/errors.js';
import type { IncidentRecord } from '../../store/records.js';
import { ok } from '../respond.js';
import { actor, param } from '../routes/route.js';
import { requireOnDefinitionOf } from '../../identity/operator-authorization.js';
import { bodyOf, definitionLookup, idOfKey, isoDate, keyOrNull, tenantOut, type V2Context, type V2Route } from './context.js';
import { search } from './search.js';

const SCAN_LIMIT = 10_000;
const FIELDS = [
  'incidentKey', 'processDefinitionKey', 'processDefinitionId', 'processInstanceKey', 'errorType', 'errorMessage', 'elementId',
  'elementInstanceKey', 'creationTime', 'state', 'jobKey', 'tenantId',
] as const;

/** Our incident types in Camunda 8's errorType vocabulary. */
function errorTypeOf(type: string): string {
  switch (type) {
    case 'failedJob':
      return 'JOB_NO_RETRIES';
    case 'unhandledError':
      return 'UNHANDLED_ERROR_EVENT';
    case 'calledInstanceCancelled':
      return 'CALLED_ELEMENT_ERROR';
    default:
      return 'UNKNOWN';
  }
}

/** Incidents: the open ones (resolved incidents are in the Camunda 7 history); resolution retries the element or job. */
export function incidentRoutes(ctx: V2Context): V2Route[] {
  return [
    {
      method: 'post',
      path: '/incidents/search', summary: 'Search open incidents',
      handler: (req, res) => {
        const lookup = definitionLookup(ctx);
        const items = ctx.keys.batch(() => ctx.engine.queries.incidents({ maxResults: SCAN_LIMIT }).map((i) => incidentItem(ctx, i, lookup)));
        ok(res, search(items, bodyOf(req), FIELDS, FIELDS));
      },
    },
    {
      method: 'get',
      path: '/incidents/:key', summary: 'Get an open incident',
      handler: (req, res) => {
        const id = idOfKey(ctx, param(req, 'key'), 'incident');
        const incident = ctx.engine.queries.incidents({ id, maxResults: 1 })[0];
        if (!incident) throw new NotFoundError(`No open incident with key '${param(req, 'key')}'`);
        ok(res, incidentItem(ctx, incident));
      },
    },
    {
      method: 'post',
      path: '/incidents/:key/resolution', summary: 'Resolve an incident (retries its element or job)',
      handler: async (req, res) => {
        const id = idOfKey(ctx, param(req, 'key'), 'incident');
        // Camunda 8 clients update the job's retries first, then resolve; our retries update already
        // resolved a job's incident, so an incident that is gone by then counts as resolved
        const open = ctx.engine.queries.incidents({ id, maxResults: 1 })[0];
        if (!open) return void res.status(204).end();
        requireOnDefinitionOf(ctx.engine, actor(res), 'modify', open.definitionId);
        await ctx.engine.resolveIncident(id, actor(res));
        res.status(204).end();
      },
    },
  ];
}

function incidentItem(ctx: V2Context, incident: IncidentRecord, lookup = definitionLookup(ctx)) {
  const definition = incident.definitionId ? lookup(incident.definitionId) : undefined;
  return {
    incidentKey: ctx.keys.keyOf(incident.id),
    processDefinitionKey: keyOrNull(ctx, incident.definitionId),
    processDefinitionId: definition?.key ?? null,
    processInstanceKey: ctx.keys.keyOf(incident.instanceId),
    errorType: errorTypeOf(incident.type),
    errorMessage: incident.message,
    elementId: incident.elementId,
    elementInstanceKey: keyOrNull(ctx, incident.elementInstanceId),
    creationTime: isoDate(incident.createdAt),
    state: 'ACTIVE',
    jobKey: keyOrNull(ctx, incident.jobId),
    tenantId: tenantOut(definition?.tenantId),
  };
}
