/**
 * Camunda 7's `/execution` resource. An execution here is the process instance itself (its id is
 * the instance id) or one of its element instances (its id is the element instance id): the
 * ids the activity-instance tree, jobs and event subscriptions already report as `executionId`.
 */
import type { Request } from 'express';
import { NotFoundError } from '../../runtime/errors.js';
import {
  modifyExecutionVariables,
  signalExecution,
  triggerMessageSubscription,
  type ExecutionRef,
} from '../../runtime/commands/execution-commands.js';
import { type ExecutionRow } from '../../store/execution-queries.js';
import { ok, noContent } from '../respond.js';
import { QueryParams } from '../query.js';
import { checkBody } from '../validate.js';
import { PatchVariablesDto, VariableValueDto, VariablesMap, type JsonSchema } from '../schemas/index.js';
import { fromCamundaVariables, fromTypedValue, toCamundaVariables, toTypedValue } from '../camunda-variables.js';
import { identityOf } from '../../identity/identity-service.js';
import { authorizeVariableWrite } from '../../identity/task-authorization.js';
import { actor, param, type Route, type RouteContext } from './route.js';

/** the engine as routes receive it (no import of the engine module: it imports the router) */
type Engine = RouteContext['engine'];

const ExecutionTriggerDto: JsonSchema = {
  title: 'ExecutionTriggerDto',
  type: 'object',
  properties: { variables: VariablesMap },
};

interface PatchBody {
  modifications?: Record<string, unknown> | null;
  deletions?: string[] | null;
}

/** Camunda's ExecutionDto. */
export function executionDto(e: ExecutionRow) {
  return { id: e.id, processInstanceId: e.instanceId, ended: false, tenantId: null };
}

/** Resolves an execution id of an active instance, or 404 as Camunda words it. */
export function executionRef(engine: Engine, id: string): ExecutionRef {
  const [row] = engine.queries.execution.executions({ id });
  if (!row) throw new NotFoundError(`Execution with id ${id} does not exist`);
  return { instanceId: row.instanceId, elementInstanceId: row.elementId === null ? null : row.id };
}

/** The variables of the execution's own scope. */
function localVariables(engine: Engine, ref: ExecutionRef) {
  return engine.queries.scopeVariables(ref.elementInstanceId ?? ref.instanceId);
}

export function executionRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const queries = () => engine.queries.execution;
  const query = (req: Request) => {
    const q = new QueryParams(req);
    return {
      processInstanceId: q.string('processInstanceId'),
      processDefinitionId: q.string('processDefinitionId'),
      processDefinitionKey: q.string('processDefinitionKey'),
      businessKey: q.string('businessKey'),
      activityId: q.string('activityId'),
      messageEventSubscriptionName: q.string('messageEventSubscriptionName'),
      signalEventSubscriptionName: q.string('signalEventSubscriptionName'),
      ...q.page(),
    };
  };
  const filters = ['processInstanceId', 'processDefinitionId', 'processDefinitionKey', 'businessKey', 'activityId',
    'messageEventSubscriptionName', 'signalEventSubscriptionName', 'firstResult', 'maxResults'];
  const trigger = (req: Request) => {
    const body = checkBody<{ variables?: Record<string, unknown> | null }>(ExecutionTriggerDto, req.body ?? {});
    const variables = fromCamundaVariables(body.variables);
    return Object.keys(variables).length ? variables : undefined;
  };
  const setLocal = (ref: ExecutionRef, set: Record<string, unknown>, remove: string[], who: string | null) => {
    authorizeVariableWrite(identityOf(engine), { userId: who, instanceId: ref.instanceId, names: [...Object.keys(set), ...remove] });
    return engine.submit((fx) => modifyExecutionVariables(engine.core, ref, { set, remove, local: true }, fx, who));
  };

  return [
    {
      method: 'get', path: '/execution', tag: 'Execution', query: filters,
      summary: 'Executions: each running process instance and each of its element instances',
      handler: (req, res) => ok(res, queries().executions(query(req)).map(executionDto)),
    },
    {
      method: 'get', path: '/execution/count', tag: 'Execution', query: filters, summary: 'Number of executions',
      handler: (req, res) => ok(res, { count: queries().countExecutions(query(req)) }),
    },
    {
      method: 'get', path: '/execution/:id', tag: 'Execution', summary: 'One execution',
      handler: (req, res) => {
        const id = param(req, 'id');
        executionRef(engine, id);
        ok(res, executionDto(queries().executions({ id })[0]!));
      },
    },
    {
      method: 'post', path: '/execution/:id/signal', tag: 'Execution', body: ExecutionTriggerDto,
      summary: 'Continues a waiting receive task or catch event (variables are set first)',
      handler: async (req, res) => {
        const variables = trigger(req);
        const ref = executionRef(engine, param(req, 'id'));
        await engine.submit((fx) => signalExecution(engine.core, ref, variables, fx));
        noContent(res);
      },
    },
    {
      method: 'post', path: '/execution/:id/messageSubscriptions/:messageName/trigger', tag: 'Execution', body: ExecutionTriggerDto,
      summary: 'Delivers a message to the message subscription this execution holds',
      handler: async (req, res) => {
        const variables = trigger(req);
        const ref = executionRef(engine, param(req, 'id'));
        await engine.submit((fx) => triggerMessageSubscription(engine.core, ref, param(req, 'messageName'), variables, fx));
        noContent(res);
      },
    },
    {
      method: 'get', path: '/execution/:id/localVariables', tag: 'Execution', summary: 'Variables of the execution\'s own scope (typed)',
      handler: (req, res) => ok(res, toCamundaVariables(localVariables(engine, executionRef(engine, param(req, 'id'))))),
    },
    {
      method: 'post', path: '/execution/:id/localVariables', tag: 'Execution', body: PatchVariablesDto,
      summary: 'Sets (modifications) and removes (deletions) local variables in one step',
      handler: async (req, res) => {
        const body = checkBody<PatchBody>(PatchVariablesDto, req.body);
        await setLocal(executionRef(engine, param(req, 'id')), fromCamundaVariables(body.modifications), body.deletions ?? [], actor(res));
        noContent(res);
      },
    },
    {
      method: 'get', path: '/execution/:id/localVariables/:name', tag: 'Execution', summary: 'One local variable',
      handler: (req, res) => {
        const variables = localVariables(engine, executionRef(engine, param(req, 'id')));
        const name = param(req, 'name');
        if (!Object.hasOwn(variables, name)) throw new NotFoundError(`execution variable with name ${name} does not exist`);
        ok(res, toTypedValue(variables[name]));
      },
    },
    {
      method: 'put', path: '/execution/:id/localVariables/:name', tag: 'Execution', body: VariableValueDto, summary: 'Sets one local variable',
      handler: async (req, res) => {
        const typed = checkBody<unknown>(VariableValueDto, req.body);
        const name = param(req, 'name');
        await setLocal(executionRef(engine, param(req, 'id')), { [name]: fromTypedValue(name, typed) }, [], actor(res));
        noContent(res);
      },
    },
    {
      method: 'delete', path: '/execution/:id/localVariables/:name', tag: 'Execution', summary: 'Removes one local variable',
      handler: async (req, res) => {
        await setLocal(executionRef(engine, param(req, 'id')), {}, [param(req, 'name')], actor(res));
        noContent(res);
      },
    },
  ];
}
