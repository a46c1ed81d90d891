import type { Request } from 'express';
import { NotFoundError } from '../../runtime/errors.js';
import type { FetchRequest, LockedTask } from '../../runtime/external-tasks.js';
import { externalTaskDto } from '../dto.js';
import { formatDate } from '../dates.js';
import { ok, noContent } from '../respond.js';
import { QueryParams } from '../query.js';
import { checkBody } from '../validate.js';
import {
  CompleteExternalTaskDto,
  ExtendLockOnExternalTaskDto,
  ExternalTaskBpmnErrorDto,
  ExternalTaskFailureDto,
  FetchExternalTasksDto,
  LockExternalTaskDto,
  RetriesDto,
} from '../schemas/index.js';
import { fromCamundaVariables, toCamundaVariables } from '../camunda-variables.js';
import { actor, param, type Route, type RouteContext } from './route.js';
import { requireOnDefinitionOf } from '../../identity/operator-authorization.js';
import { suspensionFilter } from '../suspension-filter.js';

const SORT = ['id', 'createTime', 'priority', 'retries', 'processInstanceId'] as const;

/** LockedExternalTaskDto: what fetchAndLock hands a worker. */
function lockedDto(t: LockedTask) {
  const j = t.job;
  return {
    activityId: j.elementId,
    activityInstanceId: j.elementInstanceId,
    errorMessage: j.errorMessage,
    errorDetails: j.errorDetails,
    executionId: j.elementInstanceId,
    id: j.id,
    lockExpirationTime: formatDate(j.lockExpiresAt),
    createTime: formatDate(j.createdAt),
    processDefinitionId: j.definitionId,
    processDefinitionKey: j.definitionKey,
    processDefinitionVersionTag: t.versionTag,
    processInstanceId: j.instanceId,
    retries: j.retries,
    workerId: j.lockOwner,
    topicName: j.topic,
    tenantId: null,
    variables: toCamundaVariables(t.variables),
    priority: j.priority,
    businessKey: t.businessKey,
    extensionProperties: {},
  };
}

export function externalTaskRoutes(ctx: RouteContext): Route[] {
  const { engine, externalTasks } = ctx;
  const query = (req: Request) => {
    const q = new QueryParams(req);
    return {
      kind: 'task' as const,
      now: engine.clock.now(),
      id: q.string('externalTaskId'),
      topicName: q.string('topicName'),
      workerId: q.string('workerId'),
      locked: q.bool('locked'),
      notLocked: q.bool('notLocked'),
      withRetriesLeft: q.bool('withRetriesLeft'),
      noRetriesLeft: q.bool('noRetriesLeft'),
      processInstanceId: q.string('processInstanceId'),
      processDefinitionId: q.string('processDefinitionId'),
      activityId: q.string('activityId'),
      ...suspensionFilter(q),
      ...q.sort(SORT),
      ...q.page(),
    };
  };
  const dto = (id: string) => {
    const job = engine.core.runtime.getJob(id);
    if (!job || job.kind !== 'task') throw new NotFoundError(`External task with id ${id} does not exist`);
    return job;
  };
  const listDto = (job: ReturnType<typeof dto>) => externalTaskDto(job, {
    businessKey: job.instanceId ? engine.queries.businessKeyOf(job.instanceId) : null,
    versionTag: job.definitionId ? engine.queries.versionTagOf(job.definitionId) : null,
  }, engine.clock.now());
  const filters = ['externalTaskId', 'topicName', 'workerId', 'locked', 'notLocked', 'withRetriesLeft', 'noRetriesLeft', 'processInstanceId', 'processDefinitionId', 'activityId', 'active', 'suspended', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  return [
    {
      method: 'post', path: '/external-task/fetchAndLock', tag: 'External Task', body: FetchExternalTasksDto,
      summary: 'Locks available tasks of the given topics for a worker; with asyncResponseTimeout waits (long polling) until work arrives',
      handler: async (req, res) => {
        const body = checkBody<FetchRequest>(FetchExternalTasksDto, req.body);
        const aborted = new AbortController();
        const onClose = () => {
          if (!res.writableEnded) aborted.abort();
        };
        res.on('close', onClose);
        try {
          const tasks = await externalTasks.fetchAndLock(body, aborted.signal);
          if (aborted.signal.aborted) return;
          ok(res, tasks.map(lockedDto));
        } finally {
          res.off('close', onClose);
        }
      },
    },
    {
      method: 'get', path: '/external-task', tag: 'External Task', summary: 'Work items of service tasks (for workers and in-process handlers)', query: filters,
      handler: (req, res) => ok(res, engine.queries.jobs(query(req)).map(listDto)),
    },
    {
      method: 'get', path: '/external-task/count', tag: 'External Task', summary: 'Number of work items', query: filters,
      handler: (req, res) => ok(res, { count: engine.queries.countJobs(query(req)) }),
    },
    { method: 'get', path: '/external-task/:id', tag: 'External Task', summary: 'One work item', handler: (req, res) => ok(res, listDto(dto(param(req, 'id')))) },
    {
      method: 'get', path: '/external-task/:id/errorDetails', tag: 'External Task', summary: 'The error details of the last failure (text)',
      handler: (req, res) => {
        res.status(200).type('text/plain').send(dto(param(req, 'id')).errorDetails ?? '');
      },
    },
    {
      method: 'post', path: '/external-task/:id/complete', tag: 'External Task', body: CompleteExternalTaskDto, summary: 'Completes a locked task',
      handler: async (req, res) => {
        const body = checkBody<{ workerId: string; variables?: unknown; localVariables?: unknown }>(CompleteExternalTaskDto, req.body);
        await externalTasks.complete(param(req, 'id'), body.workerId, fromCamundaVariables(body.variables), fromCamundaVariables(body.localVariables));
        noContent(res);
      },
    },
    {
      method: 'post', path: '/external-task/:id/failure', tag: 'External Task', body: ExternalTaskFailureDto,
      summary: 'Reports a failure: retries is the absolute number left (0 raises an incident), retryTimeout in ms',
      handler: async (req, res) => {
        const body = checkBody<{ workerId: string; errorMessage?: string | null; errorDetails?: string | null; retries?: number | null; retryTimeout?: number | null }>(ExternalTaskFailureDto, req.body);
        await externalTasks.failure(param(req, 'id'), body.workerId, body);
        noContent(res);
      },
    },
    {
      method: 'post', path: '/external-task/:id/bpmnError', tag: 'External Task', body: ExternalTaskBpmnErrorDto,
      summary: 'Throws a BPMN error, caught by a matching error boundary or event sub-process',
      handler: async (req, res) => {
        const body = checkBody<{ workerId: string; errorCode: string; errorMessage?: string | null; variables?: unknown }>(ExternalTaskBpmnErrorDto, req.body);
        await externalTasks.bpmnError(param(req, 'id'), body.workerId, body.errorCode, body.errorMessage, fromCamundaVariables(body.variables));
        noContent(res);
      },
    },
    {
      method: 'post', path: '/external-task/:id/extendLock', tag: 'External Task', body: ExtendLockOnExternalTaskDto, summary: 'Extends the lock of a task the worker holds',
      handler: async (req, res) => {
        const body = checkBody<{ workerId: string; newDuration: number }>(ExtendLockOnExternalTaskDto, req.body);
        await externalTasks.extendLock(param(req, 'id'), body.workerId, body.newDuration);
        noContent(res);
      },
    },
    {
      method: 'post', path: '/external-task/:id/lock', tag: 'External Task', body: LockExternalTaskDto, summary: 'Locks one task for a worker',
      handler: async (req, res) => {
        const body = checkBody<{ workerId: string; lockDuration: number }>(LockExternalTaskDto, req.body);
        await externalTasks.lock(param(req, 'id'), body.workerId, body.lockDuration);
        noContent(res);
      },
    },
    {
      method: 'post', path: '/external-task/:id/unlock', tag: 'External Task', summary: 'Gives a task back (anyone may fetch it again)',
      handler: async (req, res) => {
        await externalTasks.unlock(param(req, 'id'));
        noContent(res);
      },
    },
    {
      method: 'put', path: '/external-task/:id/retries', tag: 'External Task', body: RetriesDto, summary: 'Sets retries (> 0 resolves its incident)',
      handler: async (req, res) => {
        const body = checkBody<{ retries: number }>(RetriesDto, req.body);
        requireOnDefinitionOf(engine, actor(res), 'modify', dto(param(req, 'id')).definitionId);
        await externalTasks.setRetries(param(req, 'id'), body.retries);
        noContent(res);
      },
    },
  ];
}
