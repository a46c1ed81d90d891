import type { Request } from 'express';
import { NotFoundError } from '../../runtime/errors.js';
import { jobDto } from '../dto.js';
import { ok, noContent } from '../respond.js';
import { QueryParams } from '../query.js';
import { checkBody } from '../validate.js';
import { RetriesDto } from '../schemas/index.js';
import { actor, param, type Route, type RouteContext } from './route.js';
import { requireOnDefinitionOf } from '../../identity/operator-authorization.js';
import { HttpError } from '../errors.js';
import { executeJob } from '../../runtime/commands/execution-commands.js';
import { suspensionFilter } from '../suspension-filter.js';

const SORT = ['jobId', 'dueDate', 'retries', 'priority', 'processInstanceId'] as const;
const SORT_COLUMN = { jobId: 'id', dueDate: 'dueDate', retries: 'retries', priority: 'priority', processInstanceId: 'processInstanceId' } as const;

/**
 * Jobs: timers, async continuations and the work items of service tasks (every row of the job
 * queue, so a failed in-process handler's job can be retried here like any Camunda job).
 */
export function jobRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const query = (req: Request) => {
    const q = new QueryParams(req);
    const sort = q.sort(SORT);
    const timers = q.bool('timers');
    const messages = q.bool('messages');
    if (timers && messages) throw new HttpError(400, 'Parameter timers cannot be used together with parameter messages.');
    return {
      // Camunda's timers / messages (async continuations) filters
      kinds: timers ? (['timer'] as const) : messages ? (['async', 'continuation'] as const) : undefined,
      now: engine.clock.now(),
      id: q.string('jobId'),
      processInstanceId: q.string('processInstanceId'),
      processDefinitionId: q.string('processDefinitionId'),
      processDefinitionKey: q.string('processDefinitionKey'),
      activityId: q.string('activityId'),
      ...suspensionFilter(q),
      withRetriesLeft: q.bool('withRetriesLeft'),
      noRetriesLeft: q.bool('noRetriesLeft'),
      sortBy: sort.sortBy && SORT_COLUMN[sort.sortBy],
      sortOrder: sort.sortOrder,
      ...q.page(),
    };
  };
  const job = (id: string) => {
    const record = engine.core.runtime.getJob(id);
    if (!record) throw new NotFoundError(`Job with id ${id} does not exist`);
    return record;
  };
  const filters = ['jobId', 'timers', 'messages', 'processInstanceId', 'processDefinitionId', 'processDefinitionKey', 'activityId', 'withRetriesLeft', 'noRetriesLeft', 'active', 'suspended', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'];
  return [
    { method: 'get', path: '/job', tag: 'Job', summary: 'Jobs (timers, continuations, service-task work items)', query: filters, handler: (req, res) => ok(res, engine.queries.jobs(query(req)).map(jobDto)) },
    { method: 'get', path: '/job/count', tag: 'Job', summary: 'Number of jobs', query: filters, handler: (req, res) => ok(res, { count: engine.queries.countJobs(query(req)) }) },
    { method: 'get', path: '/job/:id', tag: 'Job', summary: 'One job', handler: (req, res) => ok(res, jobDto(job(param(req, 'id')))) },
    {
      method: 'get', path: '/job/:id/stacktrace', tag: 'Job', summary: 'Error details of the last failure (text)',
      handler: (req, res) => {
        res.status(200).type('text/plain').send(job(param(req, 'id')).errorDetails ?? '');
      },
    },
    {
      method: 'post', path: '/job/:id/execute', tag: 'Job', summary: 'Runs a timer or async continuation now, in this request',
      handler: async (req, res) => {
        const record = job(param(req, 'id'));
        requireOnDefinitionOf(engine, actor(res), 'modify', record.definitionId);
        const id = record.id;
        await engine.submit((fx) => executeJob(engine.core, id, fx));
        noContent(res);
      },
    },
    {
      method: 'put', path: '/job/:id/retries', tag: 'Job', body: RetriesDto, summary: 'Sets retries; > 0 resolves the job\'s incident and runs it again',
      handler: async (req, res) => {
        const body = checkBody<{ retries: number }>(RetriesDto, req.body);
        const record = job(param(req, 'id'));
        requireOnDefinitionOf(engine, actor(res), 'modify', record.definitionId);
        await engine.setJobRetries(record.id, body.retries);
        noContent(res);
      },
    },
  ];
}
