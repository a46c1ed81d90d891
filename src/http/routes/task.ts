import type { Request } from 'express';
import { NotFoundError } from '../../runtime/errors.js';
import type { TaskRecord } from '../../store/records.js';
import { taskDto } from '../dto.js';
import { ok, noContent } from '../respond.js';
import { QueryParams } from '../query.js';
import { checkBody } from '../validate.js';
import { CompleteTaskDto, UserIdDto } from '../schemas/index.js';
import { fromCamundaVariables, toCamundaVariables } from '../camunda-variables.js';
import { withContext } from '../prefix-errors.js';
import { asRestException } from '../camunda7-failure.js';
import { identityOf } from '../../identity/identity-service.js';
import { authorizeCompletion, checkTaskAction } from '../../identity/task-authorization.js';
import { actor, param, type Route, type RouteContext } from './route.js';
import { HttpError } from '../errors.js';
import { fieldDefault, fieldValueType, formProblems, type FormField } from '../../bpmn/form-fields.js';
import type { Variables } from '../../runtime/variables.js';
import { suspensionFilter } from '../suspension-filter.js';
import { suspendedAsServerError } from '../suspended-as-server-error.js';

const SORT = ['id', 'name', 'assignee', 'created', 'dueDate', 'followUpDate', 'priority', 'instanceId'] as const;

export function taskRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const identity = identityOf(engine);
  const query = (req: Request) => {
    const q = new QueryParams(req);
    return {
      taskId: q.string('taskId'),
      processInstanceId: q.string('processInstanceId'),
      processDefinitionId: q.string('processDefinitionId'),
      processDefinitionKey: q.string('processDefinitionKey'),
      taskDefinitionKey: q.string('taskDefinitionKey'),
      assignee: q.string('assignee'),
      unassigned: q.bool('unassigned'),
      assigned: q.bool('assigned'),
      candidateGroup: q.string('candidateGroup'),
      candidateUser: q.string('candidateUser'),
      includeAssignedTasks: q.bool('includeAssignedTasks'),
      name: q.string('name'),
      nameLike: q.string('nameLike'),
      ...suspensionFilter(q),
      ...q.sort(SORT),
      ...q.page(),
    };
  };
  const task = (id: string): TaskRecord => {
    const record = engine.core.runtime.getTask(id);
    if (!record) throw new NotFoundError(`No matching task with id ${id}`);
    return record;
  };
  /** the task's `<documentation>`, as Camunda 7 makes it the description */
  const description = (t: TaskRecord) => engine.graph(t.definitionId).nodes[t.elementId]?.documentation ?? null;
  const visible = (t: TaskRecord, req: Request) => {
    const all = engine.queries.visibleVariables(t.instanceId, t.elementInstanceId);
    const names = new QueryParams(req).list('variableNames');
    if (!names) return all;
    return Object.fromEntries(names.filter((n) => Object.hasOwn(all, n)).map((n) => [n, all[n]]));
  };
  /** The task's generated form (`camunda:formData`), if it has one. */
  const formFieldsOf = (t: TaskRecord): FormField[] | undefined => engine.graph(t.definitionId).nodes[t.elementId]?.userTask?.formFields;
  /** A generated form's fields are checked before the task completes: every problem in one 400. */
  const checkForm = (t: TaskRecord, variables: Variables) => {
    const fields = formFieldsOf(t);
    if (!fields) return;
    const problems = formProblems(fields, variables, engine.queries.visibleVariables(t.instanceId, t.elementInstanceId));
    if (problems.length) throw new HttpError(400, `Cannot submit task form ${t.id}: ${problems.join('; ')}`);
  };
  /** Camunda's form variables: for a generated form, each field's current value (or its default), typed by the field. */
  const formVariables = (t: TaskRecord, req: Request) => {
    const fields = formFieldsOf(t);
    if (!fields) return toCamundaVariables(visible(t, req));
    const current = engine.queries.visibleVariables(t.instanceId, t.elementInstanceId);
    const names = new QueryParams(req).list('variableNames');
    const result: Record<string, unknown> = {};
    for (const field of fields) {
      if (names && !names.includes(field.id)) continue;
      const value = Object.hasOwn(current, field.id) ? current[field.id] : fieldDefault(field);
      const typed = toCamundaVariables({ v: value ?? null }).v!;
      result[field.id] = { ...typed, type: value === undefined || value === null ? 'Null' : fieldValueType(field) };
    }
    return result;
  };
  const complete = async (req: Request, res: Parameters<Route['handler']>[1]) => {
    const body = checkBody<{ variables?: unknown; withVariablesInReturn?: boolean | null }>(CompleteTaskDto, req.body);
    const t = task(param(req, 'id'));
    const variables = fromCamundaVariables(body.variables);
    authorizeCompletion(identity, t, actor(res), variables);
    checkForm(t, variables);
    const context = req.path.endsWith('/submit-form') ? `Cannot submit task form ${t.id}` : `Cannot complete task ${t.id}`;
    // as Camunda 7: a failure before the next wait state rolls the completion back (the task stays open) and answers 500
    await asRestException(() => context, () => suspendedAsServerError(() => withContext(context, async () => {
      await engine.completeTask(t.id, variables, { userId: actor(res), rollbackOnFailure: true });
    })));
    if (!body.withVariablesInReturn) return noContent(res);
    const instance = engine.core.runtime.getInstance(t.instanceId);
    ok(res, toCamundaVariables(instance?.state === 'active' ? engine.queries.processVariables(t.instanceId) : {}));
  };
  const filters = ['processInstanceId', 'processDefinitionId', 'processDefinitionKey', 'taskDefinitionKey', 'assignee', 'unassigned', 'assigned',
    'candidateGroup', 'candidateUser', 'includeAssignedTasks', 'name', 'nameLike', 'taskId', 'active', 'suspended', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  const assign = async (req: Request, res: Parameters<Route['handler']>[1], mode: 'claim' | 'set') => {
    const body = checkBody<{ userId: string | null }>(UserIdDto, req.body);
    const t = task(param(req, 'id'));
    const id = t.id;
    checkTaskAction(identity, t, actor(res), mode === 'claim' ? { kind: 'claim', for: body.userId } : { kind: 'assign', to: body.userId });
    if (mode === 'claim') await withContext('Cannot claim task', () => engine.claimTask(id, body.userId ?? ''));
    else await engine.setAssignee(id, body.userId ?? null, actor(res));
    noContent(res);
  };
  return [
    {
      method: 'get', path: '/task', tag: 'Task', summary: 'User tasks (candidate filters leave out assigned tasks unless includeAssignedTasks=true)', query: filters,
      handler: (req, res) => ok(res, engine.queries.tasks(query(req)).map((t) => taskDto(t, description(t)))),
    },
    {
      method: 'get', path: '/task/count', tag: 'Task', summary: 'Number of user tasks', query: filters,
      handler: (req, res) => ok(res, { count: engine.queries.countTasks(query(req)) }),
    },
    { method: 'get', path: '/task/:id', tag: 'Task', summary: 'One user task', handler: (req, res) => { const t = task(param(req, 'id')); ok(res, taskDto(t, description(t))); } },
    { method: 'post', path: '/task/:id/claim', tag: 'Task', body: UserIdDto, summary: 'Claims a task for a user', handler: (req, res) => assign(req, res, 'claim') },
    {
      method: 'post', path: '/task/:id/unclaim', tag: 'Task', summary: 'Removes the assignee',
      handler: async (req, res) => {
        const t = task(param(req, 'id'));
        checkTaskAction(identity, t, actor(res), { kind: 'unclaim' });
        await engine.unclaimTask(t.id, actor(res));
        noContent(res);
      },
    },
    { method: 'post', path: '/task/:id/assignee', tag: 'Task', body: UserIdDto, summary: 'Sets the assignee (no claim check)', handler: (req, res) => assign(req, res, 'set') },
    { method: 'put', path: '/task/:id/assignee', tag: 'Task', body: UserIdDto, summary: 'Sets the assignee (alias of POST)', handler: (req, res) => assign(req, res, 'set') },
    { method: 'post', path: '/task/:id/complete', tag: 'Task', body: CompleteTaskDto, summary: 'Completes a task with variables (a generated form\'s fields are checked)', handler: complete },
    { method: 'post', path: '/task/:id/submit-form', tag: 'Task', body: CompleteTaskDto, summary: 'Submits the task\'s form: checks a generated form\'s fields and completes the task', handler: complete },
    {
      method: 'get', path: '/task/:id/form-variables', tag: 'Task', query: ['variableNames'], summary: 'A generated form\'s fields with their values or defaults; else the variables visible to the task (typed)',
      handler: (req, res) => ok(res, formVariables(task(param(req, 'id')), req)),
    },
    {
      method: 'get', path: '/task/:id/variables', tag: 'Task', summary: 'The variables visible to the task (typed)',
      handler: (req, res) => ok(res, toCamundaVariables(visible(task(param(req, 'id')), req))),
    },
  ];
}
