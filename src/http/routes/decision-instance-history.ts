/** Camunda 7 `/history/decision-instance`: every evaluation with its inputs, outputs and the rules that fired. */
import type { Request } from 'express';
import type { DecisionInstanceQuery } from '../../store/decision-store.js';
import { NotFoundError } from '../../runtime/errors.js';
import { ok } from '../respond.js';
import { QueryParams } from '../query.js';
import { decisionInstanceDto } from './decision-dto.js';
import { param, type Route, type RouteContext } from './route.js';

const SORT = ['evaluationTime', 'tenantId'] as const;

export function decisionInstanceHistoryRoutes(ctx: RouteContext): Route[] {
  const store = ctx.engine.decisions.store;
  const query = (req: Request): DecisionInstanceQuery => {
    const q = new QueryParams(req);
    return {
      id: q.string('decisionInstanceId'),
      idIn: q.list('decisionInstanceIdIn'),
      decisionDefinitionId: q.string('decisionDefinitionId'),
      decisionDefinitionIdIn: q.list('decisionDefinitionIdIn'),
      decisionKey: q.string('decisionDefinitionKey'),
      decisionKeyIn: q.list('decisionDefinitionKeyIn'),
      decisionName: q.string('decisionDefinitionName'),
      instanceId: q.string('processInstanceId'),
      definitionId: q.string('processDefinitionId'),
      definitionKey: q.string('processDefinitionKey'),
      elementIdIn: q.list('activityIdIn'),
      elementInstanceIdIn: q.list('activityInstanceIdIn'),
      evaluatedBefore: q.date('evaluatedBefore'),
      evaluatedAfter: q.date('evaluatedAfter'),
      rootDecisionInstanceId: q.string('rootDecisionInstanceId'),
      rootDecisionInstancesOnly: q.bool('rootDecisionInstancesOnly'),
      userId: q.string('userId'),
      ...q.sort(SORT),
      ...q.page(),
    };
  };
  const include = (req: Request) => {
    const q = new QueryParams(req);
    return { includeInputs: q.bool('includeInputs') ?? false, includeOutputs: q.bool('includeOutputs') ?? false };
  };
  const filters = ['decisionInstanceId', 'decisionInstanceIdIn', 'decisionDefinitionId', 'decisionDefinitionIdIn', 'decisionDefinitionKey', 'decisionDefinitionKeyIn',
    'decisionDefinitionName', 'processInstanceId', 'processDefinitionId', 'processDefinitionKey', 'activityIdIn', 'activityInstanceIdIn', 'evaluatedBefore', 'evaluatedAfter',
    'rootDecisionInstanceId', 'rootDecisionInstancesOnly', 'userId', 'includeInputs', 'includeOutputs', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  const tag = 'Historic Decision Instance';
  return [
    {
      method: 'get', path: '/history/decision-instance', tag, query: filters,
      summary: 'Decision evaluations: decision key and version, inputs, outputs and matched rules, linked to the process instance and task',
      handler: (req, res) => {
        const options = include(req);
        ok(res, store.queryInstances(query(req)).map((r) => decisionInstanceDto(r, options)));
      },
    },
    {
      method: 'get', path: '/history/decision-instance/count', tag, summary: 'Number of decision evaluations', query: filters,
      handler: (req, res) => ok(res, { count: store.countInstances(query(req)) }),
    },
    {
      method: 'get', path: '/history/decision-instance/:id', tag, summary: 'One decision evaluation', query: ['includeInputs', 'includeOutputs'],
      handler: (req, res) => {
        const [record] = store.queryInstances({ id: param(req, 'id') });
        if (!record) throw new NotFoundError(`Historic decision instance with id '${param(req, 'id')}' does not exist`);
        ok(res, decisionInstanceDto(record, include(req)));
      },
    },
  ];
}
