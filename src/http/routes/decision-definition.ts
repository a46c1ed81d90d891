/** Camunda 7 `/decision-definition`: list, by key or id, the DMN XML, and evaluation. */
import type { Request, Response } from 'express';
import type { DecisionDefinitionQuery, DecisionDefinitionRecord } from '../../store/decision-store.js';
import { fromCamundaVariables, toTypedValue } from '../camunda-variables.js';
import { ok } from '../respond.js';
import { QueryParams } from '../query.js';
import { checkBody } from '../validate.js';
import { withContext } from '../prefix-errors.js';
import type { JsonSchema } from '../schemas/common.js';
import { VariablesMap } from '../schemas/common.js';
import { decisionDefinitionDto } from './decision-dto.js';
import { actor, param, type Route, type RouteContext } from './route.js';

const SORT = ['id', 'key', 'name', 'version', 'deploymentId', 'versionTag', 'tenantId'] as const;

const EvaluateDecisionDto: JsonSchema = {
  title: 'EvaluateDecisionDto',
  type: 'object',
  properties: { variables: VariablesMap },
  additionalProperties: false,
};

export function decisionDefinitionRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const decisions = engine.decisions;
  const query = (req: Request): DecisionDefinitionQuery => {
    const q = new QueryParams(req);
    return {
      id: q.string('decisionDefinitionId'),
      idIn: q.list('decisionDefinitionIdIn'),
      key: q.string('key'),
      keyLike: q.string('keyLike'),
      name: q.string('name'),
      nameLike: q.string('nameLike'),
      deploymentId: q.string('deploymentId'),
      drdKey: q.string('decisionRequirementsDefinitionKey'),
      resourceName: q.string('resourceName'),
      version: q.int('version'),
      versionTag: q.string('versionTag'),
      latestVersion: q.bool('latestVersion'),
      tenantIdIn: q.list('tenantIdIn'),
      withoutTenantId: q.bool('withoutTenantId'),
      ...q.sort(SORT),
      ...q.page(),
    };
  };
  const latest = (req: Request) => decisions.resolve({ key: param(req, 'key'), binding: 'latest' });
  const xml = (d: DecisionDefinitionRecord) => {
    const content = engine.core.repository.resourceByName(d.deploymentId, d.resourceName);
    return { id: d.id, dmnXml: content ? Buffer.from(content).toString('utf8') : null };
  };
  const evaluate = async (req: Request, res: Response, definition: () => DecisionDefinitionRecord) => {
    const body = checkBody<{ variables?: Record<string, unknown> | null }>(EvaluateDecisionDto, req.body ?? {});
    const outcome = await withContext(`Cannot evaluate decision ${param(req, 'key') || param(req, 'id')}`, async () => {
      const d = definition();
      return engine.evaluateDecision({ id: d.id }, fromCamundaVariables(body.variables), { userId: actor(res) });
    });
    ok(res, outcome.result.map((entry) => Object.fromEntries(Object.entries(entry).map(([name, value]) => [name, toTypedValue(value)]))));
  };
  const filters = ['decisionDefinitionId', 'decisionDefinitionIdIn', 'key', 'keyLike', 'name', 'nameLike', 'deploymentId', 'decisionRequirementsDefinitionKey',
    'resourceName', 'version', 'versionTag', 'latestVersion', 'tenantIdIn', 'withoutTenantId', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  const tag = 'Decision Definition';
  return [
    {
      method: 'get', path: '/decision-definition', tag, summary: 'Decision definitions', query: filters,
      handler: (req, res) => ok(res, decisions.store.queryDefinitions(query(req)).map(decisionDefinitionDto)),
    },
    {
      method: 'get', path: '/decision-definition/count', tag, summary: 'Number of decision definitions', query: filters,
      handler: (req, res) => ok(res, { count: decisions.store.countDefinitions(query(req)) }),
    },
    {
      method: 'get', path: '/decision-definition/key/:key', tag, summary: 'The latest version of the decision with this key',
      handler: (req, res) => ok(res, decisionDefinitionDto(latest(req))),
    },
    {
      method: 'get', path: '/decision-definition/key/:key/xml', tag, summary: 'DMN XML of the latest version with this key',
      handler: (req, res) => ok(res, xml(latest(req))),
    },
    {
      method: 'post', path: '/decision-definition/key/:key/evaluate', tag, body: EvaluateDecisionDto,
      summary: 'Evaluates the latest version of the decision with this key: a list of rule results, each output a typed value',
      handler: (req, res) => evaluate(req, res, () => latest(req)),
    },
    {
      method: 'get', path: '/decision-definition/:id', tag, summary: 'One decision definition (ids contain ":")',
      handler: (req, res) => ok(res, decisionDefinitionDto(decisions.definition(param(req, 'id')))),
    },
    {
      method: 'get', path: '/decision-definition/:id/xml', tag, summary: 'DMN XML of a decision definition',
      handler: (req, res) => ok(res, xml(decisions.definition(param(req, 'id')))),
    },
    {
      method: 'post', path: '/decision-definition/:id/evaluate', tag, body: EvaluateDecisionDto,
      summary: 'Evaluates a decision definition by id',
      handler: (req, res) => evaluate(req, res, () => decisions.definition(param(req, 'id'))),
    },
  ];
}
