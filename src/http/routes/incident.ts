import type { Request } from 'express';
import { NotFoundError } from '../../runtime/errors.js';
import { incidentDto } from '../dto.js';
import { ok, noContent } from '../respond.js';
import { QueryParams } from '../query.js';
import { actor, param, type Route, type RouteContext } from './route.js';
import { requireOnDefinitionOf } from '../../identity/operator-authorization.js';

const SORT = ['incidentId', 'incidentTimestamp', 'incidentType', 'activityId', 'processInstanceId'] as const;

export function incidentRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const query = (req: Request) => {
    const q = new QueryParams(req);
    return {
      id: q.string('incidentId'),
      incidentType: q.string('incidentType'),
      processInstanceId: q.string('processInstanceId'),
      processDefinitionId: q.string('processDefinitionId'),
      activityId: q.string('activityId'),
      configuration: q.string('configuration'),
      ...q.sort(SORT),
      ...q.page(),
    };
  };
  const incident = (id: string) => {
    const record = engine.core.runtime.getIncident(id);
    if (!record) throw new NotFoundError(`No incident found with id '${id}'`);
    return record;
  };
  const filters = ['incidentId', 'incidentType', 'processInstanceId', 'processDefinitionId', 'activityId', 'configuration', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  return [
    { method: 'get', path: '/incident', tag: 'Incident', summary: 'Open incidents', query: filters, handler: (req, res) => ok(res, engine.queries.incidents(query(req)).map(incidentDto)) },
    { method: 'get', path: '/incident/count', tag: 'Incident', summary: 'Number of open incidents', query: filters, handler: (req, res) => ok(res, { count: engine.queries.countIncidents(query(req)) }) },
    { method: 'get', path: '/incident/:id', tag: 'Incident', summary: 'One incident', handler: (req, res) => ok(res, incidentDto(incident(param(req, 'id')))) },
    {
      method: 'delete', path: '/incident/:id', tag: 'Incident', summary: 'Resolves an incident (a failed job gets one more attempt)',
      handler: async (req, res) => {
        const record = incident(param(req, 'id'));
        requireOnDefinitionOf(engine, actor(res), 'modify', record.definitionId);
        await engine.resolveIncident(record.id, actor(res));
        noContent(res);
      },
    },
  ];
}
