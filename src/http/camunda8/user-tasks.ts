import { BadRequestError, ConflictError, NotFoundError } from '../../runtime/errors.js';
import type { TaskRecord } from '../../store/records.js';
import { ok } from '../respond.js';
import { actor, param } from '../routes/route.js';
import { bodyOf, definitionLookup, idOfKey, isoDate, optString, optVariables, tenantOut, type V2Context, type V2Route } from './context.js';
import { search } from './search.js';
import { identityOf } from '../../identity/identity-service.js';
import { authorizeCompletion, checkTaskAction } from '../../identity/task-authorization.js';
import { linkedForm } from './linked-form.js';

const SCAN_LIMIT = 10_000;
const FIELDS = [
  'userTaskKey', 'name', 'state', 'assignee', 'elementId', 'elementInstanceKey', 'processInstanceKey', 'processDefinitionKey',
  'processDefinitionId', 'processDefinitionVersion', 'creationDate', 'dueDate', 'followUpDate', 'priority', 'tenantId', 'candidateGroup', 'candidateUser',
] as const;

/**
 * User tasks (native `zeebe:userTask` and every other user task): the open ones, as Tasklist
 * sees them. Completed tasks are in the Camunda 7 history API, not here.
 */
export function userTaskRoutes(ctx: V2Context): V2Route[] {
  // the same task authorization as /engine-rest (a no-op while authorization is off)
  const identity = identityOf(ctx.engine);
  const taskOf = (key: string): TaskRecord => {
    const id = idOfKey(ctx, key, 'user task');
    const task = ctx.engine.queries.tasks({ taskId: id, maxResults: 1 })[0];
    if (!task) throw new NotFoundError(`No open user task with key '${key}'`);
    return task;
  };
  return [
    {
      method: 'post',
      path: '/user-tasks/search', summary: 'Search open user tasks',
      handler: (req, res) => {
        const lookup = definitionLookup(ctx);
        const items = ctx.keys.batch(() => ctx.engine.queries.tasks({ maxResults: SCAN_LIMIT, sortBy: 'created', sortOrder: 'asc' }).map((t) => taskItem(ctx, t, lookup)));
        // candidateGroup / candidateUser filters match one entry of the lists
        const rows = items.map((item) => ({ ...item, candidateGroup: item.candidateGroups, candidateUser: item.candidateUsers }));
        const body = bodyOf(req);
        const filter = (body.filter ?? {}) as Record<string, unknown>;
        const listFilters = { candidateGroup: filter.candidateGroup, candidateUser: filter.candidateUser };
        const rest = { ...body, filter: Object.fromEntries(Object.entries(filter).filter(([k]) => k !== 'candidateGroup' && k !== 'candidateUser')) };
        const narrowed = rows.filter((row) => Object.entries(listFilters).every(([k, v]) => v === undefined || (typeof v === 'string' && (row[k as 'candidateGroup'] as string[]).includes(v))));
        const answer = search(narrowed, rest, FIELDS, FIELDS);
        ok(res, { ...answer, items: answer.items.map(({ candidateGroup: _g, candidateUser: _u, ...item }) => item) });
      },
    },
    { method: 'get', path: '/user-tasks/:key', summary: 'Get an open user task', handler: (req, res) => ok(res, taskItem(ctx, taskOf(param(req, 'key')))) },
    {
      method: 'get',
      path: '/user-tasks/:key/form', summary: 'Get the form linked to a user task (zeebe:formDefinition formId)',
      handler: (req, res) => {
        const task = taskOf(param(req, 'key'));
        const form = linkedForm(ctx, task, definitionLookup(ctx)(task.definitionId));
        // as Camunda 8: 204 when the task links no deployed form
        if (!form) {
          res.status(204).end();
          return;
        }
        ok(res, form);
      },
    },
    {
      method: 'post',
      path: '/user-tasks/:key/completion', summary: 'Complete a user task',
      handler: async (req, res) => {
        const task = taskOf(param(req, 'key'));
        const variables = optVariables(bodyOf(req)) ?? {};
        authorizeCompletion(identity, task, actor(res), variables);
        await ctx.engine.completeTask(task.id, variables, { userId: actor(res) });
        res.status(204).end();
      },
    },
    {
      method: 'post',
      path: '/user-tasks/:key/assignment', summary: 'Assign a user task',
      handler: async (req, res) => {
        const task = taskOf(param(req, 'key'));
        const body = bodyOf(req);
        const assignee = optString(body, 'assignee');
        if (!assignee) throw new BadRequestError('assignee is required (unassign with DELETE /user-tasks/{userTaskKey}/assignee)');
        if (body.allowOverride === false && task.assignee !== null && task.assignee !== assignee) {
          throw new ConflictError(`User task '${param(req, 'key')}' is already assigned to '${task.assignee}'`);
        }
        const selfClaim = task.assignee === null && assignee === actor(res);
        checkTaskAction(identity, task, actor(res), selfClaim ? { kind: 'claim', for: assignee } : { kind: 'assign', to: assignee });
        await ctx.engine.setAssignee(task.id, assignee, actor(res));
        res.status(204).end();
      },
    },
    {
      method: 'delete',
      path: '/user-tasks/:key/assignee', summary: 'Unassign a user task',
      handler: async (req, res) => {
        const task = taskOf(param(req, 'key'));
        checkTaskAction(identity, task, actor(res), { kind: 'unclaim' });
        await ctx.engine.unclaimTask(task.id, actor(res));
        res.status(204).end();
      },
    },
  ];
}

function taskItem(ctx: V2Context, task: TaskRecord, lookup = definitionLookup(ctx)) {
  const definition = lookup(task.definitionId);
  const form = linkedForm(ctx, task, definition);
  return {
    userTaskKey: ctx.keys.keyOf(task.id),
    name: task.name,
    state: 'CREATED',
    assignee: task.assignee,
    elementId: task.elementId,
    elementInstanceKey: ctx.keys.keyOf(task.elementInstanceId),
    processInstanceKey: ctx.keys.keyOf(task.instanceId),
    processDefinitionKey: ctx.keys.keyOf(task.definitionId),
    processDefinitionId: task.definitionKey,
    processName: definition?.name ?? null,
    processDefinitionVersion: definition?.version ?? null,
    candidateGroups: task.candidateGroups,
    candidateUsers: task.candidateUsers,
    creationDate: isoDate(task.createdAt),
    completionDate: null,
    dueDate: isoDate(task.dueAt),
    followUpDate: isoDate(task.followUpAt),
    customHeaders: {},
    priority: task.priority,
    // a zeebe:formDefinition formId linked to a deployed form answers that form's key (GET …/form reads it);
    // any other reference (a formKey text, an external reference, a form not deployed) stays text
    formKey: form?.formKey ?? null,
    externalFormReference: form ? null : (task.formKey ?? task.formRef),
    tenantId: tenantOut(definition?.tenantId),
    tags: [] as string[],
    rootProcessInstanceKey: ctx.keys.keyOf(task.instanceId),
  };
}
