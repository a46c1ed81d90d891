import type { Request, Response } from 'express';
import type { DefinitionRecord } from '../../store/records.js';
import { definitionDto, instanceDto } from '../dto.js';
import { ok } from '../respond.js';
import { QueryParams } from '../query.js';
import { checkBody } from '../validate.js';
import { StartProcessInstanceDto } from '../schemas/index.js';
import { fromCamundaVariables, toCamundaVariables } from '../camunda-variables.js';
import { withContext } from '../prefix-errors.js';
import { asRestException } from '../camunda7-failure.js';
import { identityOf } from '../../identity/identity-service.js';
import { actor, baseUrl, param, type Route, type RouteContext } from './route.js';
import { suspensionFilter } from '../suspension-filter.js';
import { suspendedAsServerError } from '../suspended-as-server-error.js';

const SORT = ['id', 'key', 'name', 'version', 'deploymentId', 'tenantId', 'versionTag'] as const;

interface StartBody {
  businessKey?: string | null;
  variables?: Record<string, unknown> | null;
  withVariablesInReturn?: boolean | null;
}

export function processDefinitionRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const query = (req: Request) => {
    const q = new QueryParams(req);
    return {
      id: q.string('processDefinitionId'),
      key: q.string('key'),
      keyLike: q.string('keyLike'),
      name: q.string('name'),
      deploymentId: q.string('deploymentId'),
      version: q.int('version'),
      versionTag: q.string('versionTag'),
      latestVersion: q.bool('latestVersion'),
      tenantId: q.string('tenantIdIn')?.split(',')[0],
      ...suspensionFilter(q),
      ...q.sort(SORT),
      ...q.page(),
    };
  };
  const xml = (d: DefinitionRecord) => {
    const content = engine.core.repository.resourceByName(d.deploymentId, d.resourceName);
    return { id: d.id, bpmn20Xml: content ? Buffer.from(content).toString('utf8') : null };
  };
  const start = async (req: Request, res: Response, definition: () => DefinitionRecord, label: string) => {
    const body = checkBody<StartBody>(StartProcessInstanceDto, req.body);
    identityOf(engine).require(actor(res), 'start', label);
    let definitionId = label;
    // as Camunda 7: a failure before the first wait state rolls the start back and answers 500
    const instance = await asRestException(() => `Cannot instantiate process definition ${definitionId}`, () => suspendedAsServerError(() => withContext(`Cannot instantiate process definition ${label}`, async () => {
      const d = definition();
      definitionId = d.id;
      const variables = fromCamundaVariables(body.variables);
      return engine.startById(d.id, { businessKey: body.businessKey ?? null, variables, actor: actor(res), rollbackOnFailure: true });
    })));
    const dto: Record<string, unknown> = instanceDto(instance, baseUrl(req));
    if (body.withVariablesInReturn) {
      dto.variables = toCamundaVariables(instance.state === 'active' ? engine.queries.processVariables(instance.id) : {});
    }
    ok(res, dto);
  };
  const filters = ['key', 'keyLike', 'name', 'deploymentId', 'version', 'versionTag', 'latestVersion', 'processDefinitionId', 'active', 'suspended', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  return [
    {
      method: 'get', path: '/process-definition', tag: 'Process Definition', summary: 'Process definitions', query: filters,
      handler: (req, res) => ok(res, engine.queries.definitions(query(req)).map(definitionDto)),
    },
    {
      method: 'get', path: '/process-definition/count', tag: 'Process Definition', summary: 'Number of process definitions', query: filters,
      handler: (req, res) => ok(res, { count: engine.queries.countDefinitions(query(req)) }),
    },
    {
      method: 'get', path: '/process-definition/key/:key', tag: 'Process Definition', summary: 'The latest version of the definition with this key',
      handler: (req, res) => ok(res, definitionDto(engine.latestDefinition(param(req, 'key')))),
    },
    {
      method: 'get', path: '/process-definition/key/:key/xml', tag: 'Process Definition', summary: 'BPMN XML of the latest version with this key',
      handler: (req, res) => ok(res, xml(engine.latestDefinition(param(req, 'key')))),
    },
    {
      method: 'post', path: '/process-definition/key/:key/start', tag: 'Process Definition', body: StartProcessInstanceDto,
      summary: 'Starts the latest version of the definition with this key',
      handler: (req, res) => start(req, res, () => engine.latestDefinition(param(req, 'key')), `with key ${param(req, 'key')}`),
    },
    {
      method: 'get', path: '/process-definition/:id', tag: 'Process Definition', summary: 'One process definition (ids contain ":")',
      handler: (req, res) => ok(res, definitionDto(engine.definition(param(req, 'id')))),
    },
    {
      method: 'get', path: '/process-definition/:id/xml', tag: 'Process Definition', summary: 'BPMN XML of a definition',
      handler: (req, res) => ok(res, xml(engine.definition(param(req, 'id')))),
    },
    {
      method: 'post', path: '/process-definition/:id/start', tag: 'Process Definition', body: StartProcessInstanceDto,
      summary: 'Starts an instance (Camunda Modeler uses this, id with raw ":")',
      handler: (req, res) => start(req, res, () => engine.definition(param(req, 'id')), param(req, 'id')),
    },
  ];
}
