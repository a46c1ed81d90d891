import type { Request } from 'express';
import type { Engine } from '../../runtime/engine.js';
import type { ProcessGraph } from '../../bpmn/graph.js';
import { NotFoundError } from '../../runtime/errors.js';
import type { InstanceRecord } from '../../store/records.js';
import { safeJson, type HistoryRow } from '../../store/query-store.js';
import { historyKindsOf, type HistoryKind } from '../../store/history-entry.js';
import { formatDate } from '../dates.js';
import { ok } from '../respond.js';
import { QueryParams } from '../query.js';
import { storedToTypedValue } from '../camunda-variables.js';
import { camundaActivityId, camundaActivityName, camundaActivityType } from '../activity-types.js';
import { bodyAsQuery, historicInstanceFilter, HISTORIC_INSTANCE_FILTERS } from './historic-instance-filter.js';
import { param, type Route, type RouteContext } from './route.js';

/**
 * The audit trail, read from the append-only `history` table and the `instances` table (which
 * keeps ended instances). Activity, task and variable instances are folded from their rows: the
 * latest row of each wins, the first one gives the start time.
 */
export function historyRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const history = new HistoryReader(engine);
  const piFilters = [...HISTORIC_INSTANCE_FILTERS, 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  const aiFilters = ['processInstanceId', 'processDefinitionId', 'activityId', 'activityType', 'activityInstanceId', 'finished', 'unfinished', 'canceled', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  const taskFilters = ['processInstanceId', 'processDefinitionId', 'taskId', 'taskDefinitionKey', 'taskAssignee', 'finished', 'unfinished', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  const varFilters = ['processInstanceId', 'processInstanceIdIn', 'processDefinitionId', 'variableName', 'variableNameLike', 'activityInstanceIdIn', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  return [
    { method: 'get', path: '/history/process-instance', tag: 'Historic Process Instance', summary: 'Process instances, running and ended', query: piFilters, handler: (req, res) => ok(res, history.processInstances(req).items) },
    { method: 'get', path: '/history/process-instance/count', tag: 'Historic Process Instance', summary: 'Number of historic process instances', query: piFilters, handler: (req, res) => ok(res, { count: history.processInstances(req).count }) },
    { method: 'post', path: '/history/process-instance', tag: 'Historic Process Instance', summary: 'Process instances, running and ended, by a query body (variables as a list, sorting)', query: ['firstResult', 'maxResults'], handler: (req, res) => ok(res, history.processInstances(req, true).items) },
    { method: 'post', path: '/history/process-instance/count', tag: 'Historic Process Instance', summary: 'Number of historic process instances matching a query body', handler: (req, res) => ok(res, { count: history.processInstances(req, true).count }) },
    {
      method: 'get', path: '/history/process-instance/:id', tag: 'Historic Process Instance', summary: 'One historic process instance',
      handler: (req, res) => {
        const instance = engine.core.runtime.getInstance(param(req, 'id'));
        if (!instance) throw new NotFoundError(`Historic process instance with id ${param(req, 'id')} does not exist`);
        ok(res, history.processInstanceDto(instance));
      },
    },
    { method: 'get', path: '/history/activity-instance', tag: 'Historic Activity Instance', summary: 'Activity instances: what ran, when, how it ended', query: aiFilters, handler: (req, res) => ok(res, history.activityInstances(req).items) },
    { method: 'get', path: '/history/activity-instance/count', tag: 'Historic Activity Instance', summary: 'Number of historic activity instances', query: aiFilters, handler: (req, res) => ok(res, { count: history.activityInstances(req).count }) },
    { method: 'get', path: '/history/task', tag: 'Historic Task Instance', summary: 'User tasks, open and done, with who did them', query: taskFilters, handler: (req, res) => ok(res, history.tasks(req).items) },
    { method: 'get', path: '/history/task/count', tag: 'Historic Task Instance', summary: 'Number of historic tasks', query: taskFilters, handler: (req, res) => ok(res, { count: history.tasks(req).count }) },
    { method: 'get', path: '/history/variable-instance', tag: 'Historic Variable Instance', summary: 'Variables with their latest values', query: varFilters, handler: (req, res) => ok(res, history.variables(req).items) },
    { method: 'get', path: '/history/variable-instance/count', tag: 'Historic Variable Instance', summary: 'Number of historic variables', query: varFilters, handler: (req, res) => ok(res, { count: history.variables(req).count }) },
  ];
}

type Sortable = Record<string, unknown>;

function pageOf<T extends Sortable>(items: T[], q: QueryParams, sortFields: Record<string, string>): { items: T[]; count: number } {
  const { sortBy, sortOrder } = q.sort(Object.keys(sortFields));
  if (sortBy) {
    const field = sortFields[sortBy]!;
    const sign = sortOrder === 'desc' ? -1 : 1;
    items.sort((a, b) => {
      const x = a[field] as string | number | null;
      const y = b[field] as string | number | null;
      if (x === y) return 0;
      if (x === null || x === undefined) return -sign;
      if (y === null || y === undefined) return sign;
      return x < y ? -sign : sign;
    });
  }
  const { firstResult = 0, maxResults } = q.page();
  return { items: items.slice(firstResult, maxResults === undefined ? undefined : firstResult + maxResults), count: items.length };
}

class HistoryReader {
  constructor(private readonly engine: Engine) {}

  private instanceCache() {
    const cache = new Map<string, InstanceRecord | undefined>();
    return (id: string) => {
      if (!cache.has(id)) cache.set(id, this.engine.core.runtime.getInstance(id));
      return cache.get(id);
    };
  }

  private graph(definitionId: string): ProcessGraph | undefined {
    try {
      return this.engine.graph(definitionId);
    } catch {
      return undefined;
    }
  }

  processInstanceDto(i: InstanceRecord) {
    const definition = this.engine.core.repository.getDefinition(i.definitionId);
    // Camunda's historic states: a running instance is ACTIVE or SUSPENDED
    let state = i.suspended ? 'SUSPENDED' : 'ACTIVE';
    let deleteReason: string | null = null;
    if (i.state === 'completed') state = 'COMPLETED';
    if (i.state === 'terminated') {
      const end = this.engine.queries.instanceEnd(i.id);
      state = end?.kind === 'instanceCancelled' ? 'EXTERNALLY_TERMINATED' : 'INTERNALLY_TERMINATED';
      deleteReason = end?.reason ?? null;
    }
    return {
      id: i.id,
      businessKey: i.businessKey,
      processDefinitionId: i.definitionId,
      processDefinitionKey: i.definitionKey,
      processDefinitionName: definition?.name ?? null,
      processDefinitionVersion: definition?.version ?? null,
      startTime: formatDate(i.startedAt),
      endTime: formatDate(i.endedAt),
      removalTime: null,
      durationInMillis: i.endedAt === null ? null : i.endedAt - i.startedAt,
      startUserId: this.engine.queries.startActor(i.id),
      startActivityId: i.startElementId,
      deleteReason,
      rootProcessInstanceId: i.parentInstanceId ?? i.id,
      superProcessInstanceId: i.parentInstanceId,
      superCaseInstanceId: null,
      caseInstanceId: null,
      tenantId: null,
      state,
    };
  }

  /** GET parameters, or a POST body (Camunda's query body: the same filters, `variables` as a list, `sorting`). */
  processInstances(req: Request, fromBody = false) {
    const { params, variables } = fromBody ? bodyAsQuery(req.body) : { params: new QueryParams(req), variables: [] };
    const filter = historicInstanceFilter(params, variables);
    if (filter === null) return { items: [], count: 0 };
    const page = new QueryParams(req).page();
    const items = this.engine.queries.instances({ ...filter, ...page }).map((i) => this.processInstanceDto(i));
    return { items, count: this.engine.queries.countInstances(filter) };
  }

  private rows(kinds: readonly HistoryKind[], q: QueryParams): HistoryRow[] {
    const single = q.string('processInstanceId');
    const many = q.list('processInstanceIdIn');
    const ids = single !== undefined ? [single] : many;
    return this.engine.queries.historyRows(kinds, ids);
  }

  activityInstances(req: Request) {
    const q = new QueryParams(req);
    const rows = this.rows(historyKindsOf('activity'), q);
    const byId = new Map<string, { first: HistoryRow; last: HistoryRow }>();
    for (const row of rows) {
      if (!row.elementInstanceId) continue;
      const entry = byId.get(row.elementInstanceId);
      if (entry) entry.last = row;
      else byId.set(row.elementInstanceId, { first: row, last: row });
    }
    const instanceOf = this.instanceCache();
    const filter = {
      processDefinitionId: q.string('processDefinitionId'),
      activityId: q.string('activityId'),
      activityType: q.string('activityType'),
      activityInstanceId: q.string('activityInstanceId'),
      finished: q.bool('finished'),
      unfinished: q.bool('unfinished'),
      canceled: q.bool('canceled'),
    };
    const items = [];
    for (const [id, { first, last }] of byId) {
      const instance = instanceOf(last.instanceId);
      const graph = instance ? this.graph(instance.definitionId) : undefined;
      // the row says which compiled node ran: a multi-instance body or the activity it wraps
      const node = last.elementType === 'multiInstanceBody' ? graph?.multiInstanceBodies?.[last.elementId ?? ''] : graph?.nodes[last.elementId ?? ''];
      const ended = last.kind !== 'activityStarted';
      const startedAt = last.startedAt ?? first.at;
      const dto = {
        id,
        parentActivityInstanceId: (last.data ? safeJson(last.data)?.parent : null) ?? last.instanceId,
        activityId: last.elementId === null ? null : camundaActivityId(node, last.elementId),
        activityName: camundaActivityName(node),
        activityType: camundaActivityType(node, last.elementType),
        processDefinitionKey: instance?.definitionKey ?? null,
        processDefinitionId: instance?.definitionId ?? null,
        processInstanceId: last.instanceId,
        executionId: id,
        taskId: null,
        calledProcessInstanceId: null,
        calledCaseInstanceId: null,
        assignee: null,
        startTime: formatDate(startedAt),
        endTime: ended ? formatDate(last.at) : null,
        durationInMillis: ended ? last.at - startedAt : null,
        canceled: last.kind === 'activityTerminated',
        completeScope: last.kind === 'activityCompleted' && node?.kind === 'endEvent',
        tenantId: null,
        removalTime: null,
        rootProcessInstanceId: instance?.parentInstanceId ?? last.instanceId,
      };
      if (filter.processDefinitionId !== undefined && dto.processDefinitionId !== filter.processDefinitionId) continue;
      if (filter.activityId !== undefined && dto.activityId !== filter.activityId) continue;
      if (filter.activityType !== undefined && dto.activityType !== filter.activityType) continue;
      if (filter.activityInstanceId !== undefined && id !== filter.activityInstanceId) continue;
      if (filter.finished && !ended) continue;
      if (filter.unfinished && ended) continue;
      if (filter.canceled !== undefined && dto.canceled !== filter.canceled) continue;
      items.push({ ...dto, _start: startedAt, _end: ended ? last.at : null });
    }
    const page = pageOf(items, q, { startTime: '_start', endTime: '_end', activityId: 'activityId', activityName: 'activityName', activityType: 'activityType', activityInstanceId: 'id', instanceId: 'processInstanceId' });
    return { items: page.items.map(({ _start, _end, ...dto }) => dto), count: page.count };
  }

  tasks(req: Request) {
    const q = new QueryParams(req);
    const rows = this.rows(historyKindsOf('task'), q);
    interface Folded { created?: HistoryRow; assignee: string | null; end?: HistoryRow; endData?: Record<string, unknown>; instanceId: string; elementId: string | null; elementInstanceId: string | null }
    const byTask = new Map<string, Folded>();
    for (const row of rows) {
      const data = row.data ? safeJson(row.data) : null;
      const taskId = typeof data?.taskId === 'string' ? data.taskId : null;
      if (!taskId) continue;
      let entry = byTask.get(taskId);
      if (!entry) {
        entry = { assignee: null, instanceId: row.instanceId, elementId: row.elementId, elementInstanceId: row.elementInstanceId };
        byTask.set(taskId, entry);
      }
      if (row.kind === 'taskCreated') entry.created = row;
      if (row.kind === 'taskAssigned') entry.assignee = typeof data.assignee === 'string' ? data.assignee : null;
      if (row.kind === 'taskCompleted' || row.kind === 'taskDeleted') {
        entry.end = row;
        entry.endData = data;
      }
    }
    const instanceOf = this.instanceCache();
    const filter = {
      processDefinitionId: q.string('processDefinitionId'),
      taskId: q.string('taskId'),
      taskDefinitionKey: q.string('taskDefinitionKey'),
      taskAssignee: q.string('taskAssignee'),
      finished: q.bool('finished'),
      unfinished: q.bool('unfinished'),
    };
    const items = [];
    for (const [taskId, t] of byTask) {
      const live = t.end ? undefined : this.engine.core.runtime.getTask(taskId);
      const instance = instanceOf(t.instanceId);
      const node = instance ? this.graph(instance.definitionId)?.nodes[t.elementId ?? ''] : undefined;
      const startedAt = t.created?.at ?? (typeof t.endData?.createdAt === 'number' ? t.endData.createdAt : null);
      const assignee = live ? live.assignee : (typeof t.endData?.assignee === 'string' ? t.endData.assignee : t.assignee);
      const dto = {
        id: taskId,
        processDefinitionKey: instance?.definitionKey ?? null,
        processDefinitionId: instance?.definitionId ?? null,
        processInstanceId: t.instanceId,
        executionId: t.elementInstanceId,
        caseDefinitionKey: null,
        caseDefinitionId: null,
        caseInstanceId: null,
        caseExecutionId: null,
        activityInstanceId: t.elementInstanceId,
        name: live?.name ?? (typeof t.endData?.name === 'string' ? t.endData.name : node?.name ?? null),
        description: null,
        deleteReason: t.end ? (t.end.kind === 'taskCompleted' ? 'completed' : 'deleted') : null,
        owner: null,
        assignee,
        startTime: formatDate(startedAt),
        endTime: t.end ? formatDate(t.end.at) : null,
        duration: t.end && startedAt !== null ? t.end.at - startedAt : null,
        taskDefinitionKey: t.elementId,
        priority: live?.priority ?? 50,
        due: formatDate(live?.dueAt ?? null),
        parentTaskId: null,
        followUp: formatDate(live?.followUpAt ?? null),
        tenantId: null,
        removalTime: null,
        rootProcessInstanceId: instance?.parentInstanceId ?? t.instanceId,
        taskState: t.end ? (t.end.kind === 'taskCompleted' ? 'Completed' : 'Deleted') : 'Created',
        completedBy: t.end?.kind === 'taskCompleted' ? t.end.actor : null,
      };
      if (filter.processDefinitionId !== undefined && dto.processDefinitionId !== filter.processDefinitionId) continue;
      if (filter.taskId !== undefined && taskId !== filter.taskId) continue;
      if (filter.taskDefinitionKey !== undefined && dto.taskDefinitionKey !== filter.taskDefinitionKey) continue;
      if (filter.taskAssignee !== undefined && dto.assignee !== filter.taskAssignee) continue;
      if (filter.finished && !t.end) continue;
      if (filter.unfinished && t.end) continue;
      items.push({ ...dto, _start: startedAt, _end: t.end?.at ?? null });
    }
    const page = pageOf(items, q, { startTime: '_start', endTime: '_end', taskId: 'id', taskName: 'name', assignee: 'assignee', taskDefinitionKey: 'taskDefinitionKey', instanceId: 'processInstanceId' });
    return { items: page.items.map(({ _start, _end, ...dto }) => dto), count: page.count };
  }

  variables(req: Request) {
    const q = new QueryParams(req);
    const rows = this.rows(historyKindsOf('variable'), q);
    const byKey = new Map<string, { first: HistoryRow; last: HistoryRow; data: { name: string; type: string; value: string | null } }>();
    for (const row of rows) {
      const data = row.data ? safeJson(row.data) : null;
      if (!data || typeof data.name !== 'string') continue;
      const key = `${row.instanceId}\u0000${row.elementInstanceId ?? ''}\u0000${data.name}`;
      const entry = byKey.get(key);
      if (entry) {
        entry.last = row;
        entry.data = data;
      } else {
        byKey.set(key, { first: row, last: row, data });
      }
    }
    const instanceOf = this.instanceCache();
    const filter = {
      processDefinitionId: q.string('processDefinitionId'),
      variableName: q.string('variableName'),
      variableNameLike: q.string('variableNameLike'),
      activityInstanceIds: q.list('activityInstanceIdIn'),
    };
    const like = filter.variableNameLike === undefined ? undefined : likeToRegExp(filter.variableNameLike);
    const items = [];
    for (const { first, last, data } of byKey.values()) {
      const instance = instanceOf(last.instanceId);
      const typed = storedToTypedValue(data.type, data.value);
      const activityInstanceId = last.elementInstanceId ?? last.instanceId;
      const dto = {
        id: String(first.seq),
        name: data.name,
        type: typed.type,
        value: typed.value,
        valueInfo: typed.valueInfo,
        processDefinitionKey: instance?.definitionKey ?? null,
        processDefinitionId: instance?.definitionId ?? null,
        processInstanceId: last.instanceId,
        executionId: activityInstanceId,
        activityInstanceId,
        caseDefinitionKey: null,
        caseDefinitionId: null,
        caseInstanceId: null,
        caseExecutionId: null,
        taskId: null,
        errorMessage: null,
        tenantId: null,
        state: 'CREATED',
        createTime: formatDate(first.at),
        removalTime: null,
        rootProcessInstanceId: instance?.parentInstanceId ?? last.instanceId,
      };
      if (filter.processDefinitionId !== undefined && dto.processDefinitionId !== filter.processDefinitionId) continue;
      if (filter.variableName !== undefined && dto.name !== filter.variableName) continue;
      if (like && !like.test(dto.name)) continue;
      if (filter.activityInstanceIds && !filter.activityInstanceIds.includes(activityInstanceId)) continue;
      items.push(dto);
    }
    return pageOf(items, q, { instanceId: 'processInstanceId', variableName: 'name' });
  }
}

/** SQL LIKE (`%`, `_`) as a RegExp over literal text. */
function likeToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${escaped}$`, 's');
}
