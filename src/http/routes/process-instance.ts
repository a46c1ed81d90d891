import type { Request } from 'express';
import type { Engine } from '../../runtime/engine.js';
import type { ProcessGraph } from '../../bpmn/graph.js';
import { NotFoundError } from '../../runtime/errors.js';
import { isFinal } from '../../runtime/lifecycle.js';
import { instanceDto } from '../dto.js';
import { ok, noContent } from '../respond.js';
import { QueryParams } from '../query.js';
import { checkBody } from '../validate.js';
import { PatchVariablesDto, VariableValueDto } from '../schemas/index.js';
import { fromCamundaVariables, fromTypedValue, toCamundaVariables, toTypedValue } from '../camunda-variables.js';
import { camundaActivityId, camundaActivityName, camundaActivityType } from '../activity-types.js';
import { compiledNodeOf } from '../../runtime/element-kind.js';
import { identityOf } from '../../identity/identity-service.js';
import { authorizeVariableWrite } from '../../identity/task-authorization.js';
import { requireOnInstance } from '../../identity/operator-authorization.js';
import { actor, baseUrl, param, type Route, type RouteContext } from './route.js';
import { bodyAsQuery, parseVariablesParam } from './historic-instance-filter.js';
import { suspensionFilter } from '../suspension-filter.js';

const SORT = ['instanceId', 'definitionKey', 'definitionId', 'businessKey'] as const;

interface PatchBody {
  modifications?: Record<string, unknown> | null;
  deletions?: string[] | null;
}

export function processInstanceRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  /** GET parameters, or Camunda's POST query body (same names; `variables` as a list, `sorting`); paging stays in the URL. */
  const query = (req: Request, fromBody = false) => {
    const { params: q, variables } = fromBody ? bodyAsQuery(req.body) : { params: new QueryParams(req), variables: [] };
    const variablesParam = q.string('variables');
    return {
      ids: q.list('processInstanceIds'),
      businessKey: q.string('businessKey'),
      businessKeyLike: q.string('businessKeyLike'),
      processDefinitionId: q.string('processDefinitionId'),
      processDefinitionKey: q.string('processDefinitionKey'),
      superProcessInstance: q.string('superProcessInstance'),
      withIncidents: q.bool('withIncident') === true ? true : undefined,
      variables: [...variables, ...(variablesParam !== undefined ? parseVariablesParam(variablesParam) : [])],
      ...suspensionFilter(q),
      ...q.sort(SORT),
      ...new QueryParams(req).page(),
    };
  };
  const running = (id: string) => {
    const instance = engine.core.runtime.getInstance(id);
    if (!instance || instance.state !== 'active') throw new NotFoundError(`Process instance with id ${id} does not exist`);
    return instance;
  };
  const filters = ['processInstanceIds', 'businessKey', 'businessKeyLike', 'processDefinitionId', 'processDefinitionKey', 'superProcessInstance', 'withIncident', 'variables', 'active', 'suspended', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  return [
    {
      method: 'get', path: '/process-instance', tag: 'Process Instance', summary: 'Running process instances', query: filters,
      handler: (req, res) => ok(res, engine.queries.instances(query(req)).map((i) => instanceDto(i, baseUrl(req)))),
    },
    {
      method: 'get', path: '/process-instance/count', tag: 'Process Instance', summary: 'Number of running process instances', query: filters,
      handler: (req, res) => ok(res, { count: engine.queries.countInstances(query(req)) }),
    },
    {
      method: 'post', path: '/process-instance', tag: 'Process Instance', summary: 'Running process instances by a query body (variables as a list, sorting)', query: ['firstResult', 'maxResults'],
      handler: (req, res) => ok(res, engine.queries.instances(query(req, true)).map((i) => instanceDto(i, baseUrl(req)))),
    },
    {
      method: 'post', path: '/process-instance/count', tag: 'Process Instance', summary: 'Number of running process instances matching a query body',
      handler: (req, res) => ok(res, { count: engine.queries.countInstances(query(req, true)) }),
    },
    {
      method: 'get', path: '/process-instance/:id', tag: 'Process Instance', summary: 'One running process instance',
      handler: (req, res) => ok(res, instanceDto(running(param(req, 'id')), baseUrl(req))),
    },
    {
      method: 'delete', path: '/process-instance/:id', tag: 'Process Instance', summary: 'Cancels a running process instance',
      handler: async (req, res) => {
        const instance = running(param(req, 'id'));
        requireOnInstance(engine, actor(res), 'cancel', instance.id);
        await engine.cancel(instance.id, 'Deleted over REST', actor(res));
        noContent(res);
      },
    },
    {
      method: 'get', path: '/process-instance/:id/variables', tag: 'Process Instance', summary: 'Process-level variables (typed)',
      handler: (req, res) => ok(res, toCamundaVariables(engine.variables(running(param(req, 'id')).id))),
    },
    {
      method: 'post', path: '/process-instance/:id/variables', tag: 'Process Instance', body: PatchVariablesDto,
      summary: 'Sets (modifications) and removes (deletions) process variables in one step',
      handler: async (req, res) => {
        const body = checkBody<PatchBody>(PatchVariablesDto, req.body);
        const instance = running(param(req, 'id'));
        const modifications = fromCamundaVariables(body.modifications);
        authorizeVariableWrite(identityOf(engine), { userId: actor(res), instanceId: instance.id, names: [...Object.keys(modifications), ...(body.deletions ?? [])] });
        await engine.setVariables(instance.id, modifications, body.deletions ?? [], actor(res));
        noContent(res);
      },
    },
    {
      method: 'get', path: '/process-instance/:id/variables/:name', tag: 'Process Instance', summary: 'One process variable',
      handler: (req, res) => {
        const variables = engine.variables(running(param(req, 'id')).id);
        const name = param(req, 'name');
        if (!Object.hasOwn(variables, name)) throw new NotFoundError(`process instance variable with name ${name} does not exist`);
        ok(res, toTypedValue(variables[name]));
      },
    },
    {
      method: 'put', path: '/process-instance/:id/variables/:name', tag: 'Process Instance', body: VariableValueDto, summary: 'Sets one process variable',
      handler: async (req, res) => {
        const typed = checkBody<unknown>(VariableValueDto, req.body);
        const instance = running(param(req, 'id'));
        const name = param(req, 'name');
        authorizeVariableWrite(identityOf(engine), { userId: actor(res), instanceId: instance.id, names: [name] });
        await engine.setVariables(instance.id, { [name]: fromTypedValue(name, typed) }, [], actor(res));
        noContent(res);
      },
    },
    {
      method: 'delete', path: '/process-instance/:id/variables/:name', tag: 'Process Instance', summary: 'Removes one process variable',
      handler: async (req, res) => {
        const instance = running(param(req, 'id'));
        authorizeVariableWrite(identityOf(engine), { userId: actor(res), instanceId: instance.id, names: [param(req, 'name')] });
        await engine.setVariables(instance.id, {}, [param(req, 'name')], actor(res));
        noContent(res);
      },
    },
    {
      method: 'get', path: '/process-instance/:id/activity-instances', tag: 'Process Instance', summary: 'The activity instance tree of a running instance',
      handler: (req, res) => ok(res, activityTree(engine, running(param(req, 'id')).id)),
    },
  ];
}

interface ActivityInstanceDto {
  id: string;
  parentActivityInstanceId: string | null;
  activityId: string;
  activityType: string;
  processInstanceId: string;
  processDefinitionId: string;
  childActivityInstances: ActivityInstanceDto[];
  childTransitionInstances: never[];
  executionIds: string[];
  activityName: string | null;
  incidentIds: string[];
  incidents: Array<{ id: string; parentActivityInstanceId: string }>;
  name: string | null;
}

/** Camunda's ActivityInstanceDto tree from the element_instances rows (parent_id = enclosing scope). */
export function activityTree(engine: Engine, instanceId: string): ActivityInstanceDto {
  const instance = engine.instance(instanceId);
  const graph: ProcessGraph = engine.graph(instance.definitionId);
  const definition = engine.core.repository.getDefinition(instance.definitionId);
  const incidents = engine.queries.incidentsOfInstance(instanceId);
  const root: ActivityInstanceDto = {
    id: instance.id,
    parentActivityInstanceId: null,
    activityId: instance.definitionId,
    activityType: 'processDefinition',
    processInstanceId: instance.id,
    processDefinitionId: instance.definitionId,
    childActivityInstances: [],
    childTransitionInstances: [],
    executionIds: [instance.id],
    activityName: definition?.name ?? graph.name ?? instance.definitionKey,
    incidentIds: [],
    incidents: [],
    name: definition?.name ?? graph.name ?? instance.definitionKey,
  };
  const rows = engine.queries.elementInstancesOf(instanceId).filter((ei) => !isFinal(ei.state)).sort((a, b) => a.startedAt - b.startedAt);
  const byId = new Map<string, ActivityInstanceDto>();
  const elementIdOf = new Map(rows.map((ei) => [ei.id, ei.elementId]));
  for (const ei of rows) {
    // a multi-instance activity: its body, or (inside the body) one iteration
    const node = compiledNodeOf(graph, ei, ei.parentId === null ? undefined : elementIdOf.get(ei.parentId));
    const own = incidents.filter((i) => i.elementInstanceId === ei.id);
    byId.set(ei.id, {
      id: ei.id,
      parentActivityInstanceId: ei.parentId ?? instance.id,
      activityId: camundaActivityId(node, ei.elementId),
      activityType: camundaActivityType(node),
      processInstanceId: instance.id,
      processDefinitionId: instance.definitionId,
      childActivityInstances: [],
      childTransitionInstances: [],
      executionIds: [ei.id],
      activityName: camundaActivityName(node),
      incidentIds: own.map((i) => i.id),
      incidents: own.map((i) => ({ id: i.id, parentActivityInstanceId: ei.id })),
      name: camundaActivityName(node),
    });
  }
  for (const ei of rows) {
    const dto = byId.get(ei.id)!;
    const parent = ei.parentId === null ? root : byId.get(ei.parentId) ?? root;
    parent.childActivityInstances.push(dto);
  }
  return root;
}
