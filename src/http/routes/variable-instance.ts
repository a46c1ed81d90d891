/**
 * Camunda 7's `/variable-instance`: the variables of running instances, one row per scope and
 * name. A variable's id is `<scope id>:<name>` (the scope is the process instance or an element
 * instance, which is also its execution and activity instance).
 */
import type { Request } from 'express';
import { NotFoundError } from '../../runtime/errors.js';
import { type VariableInstanceRow } from '../../store/execution-queries.js';
import { storedToTypedValue } from '../camunda-variables.js';
import { ok } from '../respond.js';
import { QueryParams } from '../query.js';
import { param, type Route, type RouteContext } from './route.js';

function variableInstanceDto(v: VariableInstanceRow) {
  return {
    id: `${v.scopeId}:${v.name}`,
    name: v.name,
    ...storedToTypedValue(v.type, v.value),
    processDefinitionId: v.definitionId,
    processInstanceId: v.instanceId,
    executionId: v.scopeId,
    caseInstanceId: null,
    caseExecutionId: null,
    taskId: v.taskId,
    batchId: null,
    activityInstanceId: v.scopeId,
    tenantId: null,
    errorMessage: null,
  };
}

export function variableInstanceRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const queries = () => engine.queries.execution;
  const query = (req: Request) => {
    const q = new QueryParams(req);
    const executions = q.list('executionIdIn');
    const activityInstances = q.list('activityInstanceIdIn');
    return {
      variableName: q.string('variableName'),
      variableNameLike: q.string('variableNameLike'),
      processInstanceIdIn: q.list('processInstanceIdIn'),
      // an execution and its activity instance are the same scope here
      executionIdIn: executions && activityInstances ? executions.filter((id) => activityInstances.includes(id)) : executions ?? activityInstances,
      taskIdIn: q.list('taskIdIn'),
      ...q.page(),
    };
  };
  const filters = ['variableName', 'variableNameLike', 'processInstanceIdIn', 'executionIdIn', 'activityInstanceIdIn', 'taskIdIn', 'firstResult', 'maxResults'];
  return [
    {
      method: 'get', path: '/variable-instance', tag: 'Variable Instance', query: filters, summary: 'Variables of running process instances, per scope',
      handler: (req, res) => ok(res, queries().variableInstances(query(req)).map(variableInstanceDto)),
    },
    {
      method: 'get', path: '/variable-instance/count', tag: 'Variable Instance', query: filters, summary: 'Number of variable instances',
      handler: (req, res) => ok(res, { count: queries().countVariableInstances(query(req)) }),
    },
    {
      method: 'get', path: '/variable-instance/:id', tag: 'Variable Instance', summary: 'One variable instance',
      handler: (req, res) => {
        const id = param(req, 'id');
        const colon = id.indexOf(':');
        const found = colon > 0 ? queries().variableInstance(id.slice(0, colon), id.slice(colon + 1)) : undefined;
        if (!found) throw new NotFoundError(`Variable instance with Id '${id}' does not exist.`);
        ok(res, variableInstanceDto(found));
      },
    },
  ];
}
