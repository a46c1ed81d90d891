/**
 * Variables through a user task, as Camunda 7's TaskService has them: `variables` set where the
 * name is already defined (else on the process instance), `localVariables` on the task's own scope.
 * (`GET /task/{id}/variables` lives with the other task routes.)
 */
import type { Request, Response } from 'express';
import { NotFoundError } from '../../runtime/errors.js';
import { modifyExecutionVariables, type ExecutionRef } from '../../runtime/commands/execution-commands.js';
import { ok, noContent } from '../respond.js';
import { checkBody } from '../validate.js';
import { PatchVariablesDto, VariableValueDto } from '../schemas/index.js';
import { fromCamundaVariables, fromTypedValue, toCamundaVariables, toTypedValue } from '../camunda-variables.js';
import { identityOf } from '../../identity/identity-service.js';
import { authorizeVariableWrite } from '../../identity/task-authorization.js';
import { actor, param, type Route, type RouteContext } from './route.js';

/** the engine as routes receive it (no import of the engine module: it imports the router) */
type Engine = RouteContext['engine'];

interface PatchBody {
  modifications?: Record<string, unknown> | null;
  deletions?: string[] | null;
}

type Scope = 'variables' | 'localVariables';

function taskExecution(engine: Engine, id: string): ExecutionRef {
  const task = engine.core.runtime.getTask(id);
  if (!task) throw new NotFoundError(`No matching task with id ${id}`);
  return { instanceId: task.instanceId, elementInstanceId: task.elementInstanceId };
}

function read(engine: Engine, ref: ExecutionRef, scope: Scope) {
  return scope === 'localVariables'
    ? engine.queries.scopeVariables(ref.elementInstanceId!)
    : engine.queries.visibleVariables(ref.instanceId, ref.elementInstanceId);
}

export function taskVariableRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const change = (req: Request, res: Response, scope: Scope, set: Record<string, unknown>, remove: string[]) => {
    const ref = taskExecution(engine, param(req, 'id'));
    const task = engine.core.runtime.getTask(param(req, 'id'))!;
    authorizeVariableWrite(identityOf(engine), { userId: actor(res), instanceId: ref.instanceId, names: [...Object.keys(set), ...remove], task });
    return engine.submit((fx) => modifyExecutionVariables(engine.core, ref, { set, remove, local: scope === 'localVariables' }, fx, actor(res)));
  };
  const routes = (scope: Scope): Route[] => {
    const what = scope === 'localVariables' ? 'task-local variable' : 'task variable';
    return [
      ...(scope === 'localVariables'
        ? [{
          method: 'get', path: '/task/:id/localVariables', tag: 'Task', summary: 'Variables of the task\'s own scope (typed)',
          handler: (req: Request, res: Response) => ok(res, toCamundaVariables(read(engine, taskExecution(engine, param(req, 'id')), scope))),
        } satisfies Route]
        : []),
      {
        method: 'post', path: `/task/:id/${scope}`, tag: 'Task', body: PatchVariablesDto, summary: `Sets and removes ${what}s in one step`,
        handler: async (req, res) => {
          const body = checkBody<PatchBody>(PatchVariablesDto, req.body);
          await change(req, res, scope, fromCamundaVariables(body.modifications), body.deletions ?? []);
          noContent(res);
        },
      },
      {
        method: 'get', path: `/task/:id/${scope}/:name`, tag: 'Task', summary: `One ${what}`,
        handler: (req, res) => {
          const variables = read(engine, taskExecution(engine, param(req, 'id')), scope);
          const name = param(req, 'name');
          if (!Object.hasOwn(variables, name)) throw new NotFoundError(`${what} with name ${name} does not exist`);
          ok(res, toTypedValue(variables[name]));
        },
      },
      {
        method: 'put', path: `/task/:id/${scope}/:name`, tag: 'Task', body: VariableValueDto, summary: `Sets one ${what}`,
        handler: async (req, res) => {
          const typed = checkBody<unknown>(VariableValueDto, req.body);
          const name = param(req, 'name');
          await change(req, res, scope, { [name]: fromTypedValue(name, typed) }, []);
          noContent(res);
        },
      },
      {
        method: 'delete', path: `/task/:id/${scope}/:name`, tag: 'Task', summary: `Removes one ${what}`,
        handler: async (req, res) => {
          await change(req, res, scope, {}, [param(req, 'name')]);
          noContent(res);
        },
      },
    ];
  };
  return [...routes('variables'), ...routes('localVariables')];
}
