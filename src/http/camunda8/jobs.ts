import type { Request, Response } from 'express';
import { BadRequestError, ConflictError, NotFoundError } from '../../runtime/errors.js';
import { setJobRetries } from '../../runtime/commands/job-commands.js';
import type { LockedTask } from '../../runtime/external-tasks.js';
import type { JobRecord } from '../../store/records.js';
import { ok } from '../respond.js';
import { actor, param } from '../routes/route.js';
import { requireOnDefinitionOf } from '../../identity/operator-authorization.js';
import {
  bodyOf, definitionLookup, idOfKey, optInteger, optString, optVariables, requiredString, tenantOut, type V2Context, type V2Route,
} from './context.js';

/** Zeebe's gateway default for a long poll when the request names no requestTimeout. */
const DEFAULT_LONG_POLL_MS = 10_000;
/** the lock owner when an activation names no worker */
const ANONYMOUS_WORKER = 'camunda8-worker';

/**
 * Jobs: Camunda 8 job workers on the same queue the Camunda 7 external tasks use (a
 * `zeebe:taskDefinition` type is the topic). Activation locks jobs for the worker for `timeout`
 * ms; completion, failure and error act for whoever holds that lock, as Zeebe needs no worker id there.
 */
export function jobRoutes(ctx: V2Context): V2Route[] {
  return [
    { method: 'post', path: '/jobs/activation', summary: 'Activate jobs of a type (long polling with requestTimeout)', handler: async (req, res) => ok(res, { jobs: await activate(ctx, req, res) }) },
    {
      method: 'post',
      path: '/jobs/:key/completion', summary: 'Complete a job',
      handler: async (req, res) => {
        const job = activatedJob(ctx, param(req, 'key'));
        const body = bodyOf(req);
        const result = body.result === null ? undefined : body.result;
        if (result !== undefined && (result as { type?: unknown } | undefined)?.type !== 'adHocSubProcess') {
          throw new BadRequestError('job results other than an ad-hoc sub-process\'s (type adHocSubProcess), such as user task listener results, are not supported by this engine');
        }
        await ctx.engine.completeExternalTask(job.id, job.lockOwner!, optVariables(body) ?? {}, result);
        res.status(204).end();
      },
    },
    {
      method: 'post',
      path: '/jobs/:key/failure', summary: 'Fail a job (retries, retryBackOff; an incident at 0 retries)',
      handler: async (req, res) => {
        const job = activatedJob(ctx, param(req, 'key'));
        const body = bodyOf(req);
        const variables = optVariables(body);
        if (variables && Object.keys(variables).length > 0) throw new BadRequestError('variables on a job failure are not supported by this engine: set them on completion');
        await ctx.engine.failExternalTask(job.id, job.lockOwner!, {
          message: optString(body, 'errorMessage') ?? '',
          // Zeebe's default is 0 retries left: a failure without retries raises an incident
          retries: optInteger(body, 'retries', 0) ?? 0,
          retryTimeout: optInteger(body, 'retryBackOff', 0) ?? 0,
        });
        res.status(204).end();
      },
    },
    {
      method: 'post',
      path: '/jobs/:key/error', summary: 'Throw a BPMN error from a job',
      handler: async (req, res) => {
        const job = activatedJob(ctx, param(req, 'key'));
        const body = bodyOf(req);
        const variables = optVariables(body);
        await ctx.engine.bpmnErrorExternalTask(job.id, job.lockOwner!, requiredString(body, 'errorCode'), optString(body, 'errorMessage') ?? '', variables && Object.keys(variables).length ? variables : undefined);
        res.status(204).end();
      },
    },
    {
      method: 'patch',
      path: '/jobs/:key', summary: 'Update the retries and/or timeout of a job',
      handler: async (req, res) => {
        const id = idOfKey(ctx, param(req, 'key'), 'job');
        const changeset = bodyOf(req).changeset;
        if (changeset === null || typeof changeset !== 'object' || Array.isArray(changeset)) throw new BadRequestError('changeset must be a JSON object with retries and/or timeout');
        const change = changeset as Record<string, unknown>;
        const retries = optInteger(change, 'retries', 0);
        const timeout = optInteger(change, 'timeout', 1);
        if (retries === undefined && timeout === undefined) throw new BadRequestError('changeset names neither retries nor timeout');
        const held = timeout !== undefined ? activatedJob(ctx, param(req, 'key')) : ctx.engine.core.runtime.getJob(id);
        if (!held) throw new NotFoundError(`No job with key '${param(req, 'key')}'`);
        if (retries !== undefined) requireOnDefinitionOf(ctx.engine, actor(res), 'modify', held.definitionId);
        await ctx.engine.submit((effects) => {
          if (retries !== undefined) setJobRetries(ctx.engine.core, id, retries, effects);
          // Zeebe keeps an activated job with its worker when retries change (our C7 path unlocks it)
          const now = ctx.engine.clock.now();
          const stillHeld = held.lockOwner !== null && (held.lockExpiresAt ?? 0) > now;
          if (timeout !== undefined) ctx.engine.core.changes.add({ kind: 'lockJob', id, owner: held.lockOwner, expiresAt: now + timeout });
          else if (stillHeld) ctx.engine.core.changes.add({ kind: 'lockJob', id, owner: held.lockOwner, expiresAt: held.lockExpiresAt });
        });
        res.status(204).end();
      },
    },
  ];
}

/** A job a worker currently holds (Zeebe: ACTIVATED); other states are a 404/409 with the reason. */
function activatedJob(ctx: V2Context, key: string): JobRecord {
  const id = idOfKey(ctx, key, 'job');
  const job = ctx.engine.core.runtime.getJob(id);
  if (!job) throw new ConflictError(`Job '${key}' no longer exists: it was completed, or its element was left`);
  if (job.kind !== 'task') throw new BadRequestError(`Key '${key}' does not name a job`);
  if (job.lockOwner === null || (job.lockExpiresAt ?? 0) <= ctx.engine.clock.now()) throw new ConflictError(`Job '${key}' is not activated (its timeout passed, or no worker activated it)`);
  if (job.lockOwner.startsWith('engine:')) throw new ConflictError(`Job '${key}' is run by an in-process handler`);
  return job;
}

async function activate(ctx: V2Context, req: Request, res: Response) {
  const body = bodyOf(req);
  const type = requiredString(body, 'type');
  const timeout = optInteger(body, 'timeout', 1);
  if (timeout === undefined) throw new BadRequestError('timeout is required (ms a worker holds the jobs)');
  const maxJobs = optInteger(body, 'maxJobsToActivate', 1);
  if (maxJobs === undefined) throw new BadRequestError('maxJobsToActivate is required');
  const worker = optString(body, 'worker') || ANONYMOUS_WORKER;
  const fetchVariable = body.fetchVariable;
  if (fetchVariable !== undefined && fetchVariable !== null && (!Array.isArray(fetchVariable) || fetchVariable.some((n) => typeof n !== 'string'))) {
    throw new BadRequestError('fetchVariable must be an array of variable names');
  }
  checkTenants(body.tenantIds);
  const requestTimeout = optInteger(body, 'requestTimeout');
  const wait = requestTimeout === undefined || requestTimeout === 0 ? DEFAULT_LONG_POLL_MS : Math.max(0, requestTimeout);
  // a client that goes away stops the long poll (and gets its jobs unlocked again)
  const abort = new AbortController();
  // (the request's own 'close' fires once its body is read; the response's when the socket goes)
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const locked = await ctx.externalTasks.fetchAndLock({
    workerId: worker,
    maxTasks: maxJobs,
    asyncResponseTimeout: wait,
    topics: [{ topicName: type, lockDuration: timeout, variables: Array.isArray(fetchVariable) && fetchVariable.length > 0 ? (fetchVariable as string[]) : null }],
  }, abort.signal);
  const lookup = definitionLookup(ctx);
  return ctx.keys.batch(() => locked.map((task) => jobItem(ctx, task, worker, lookup)));
}

/** Our jobs carry no tenant of their own; only the default tenant (or none named) can be served. */
function checkTenants(tenantIds: unknown): void {
  if (tenantIds === undefined || tenantIds === null) return;
  if (!Array.isArray(tenantIds)) throw new BadRequestError('tenantIds must be an array');
  if (tenantIds.some((t) => t !== '<default>')) throw new BadRequestError('job activation for tenants other than <default> is not supported by this engine');
}

function jobItem(ctx: V2Context, task: LockedTask, worker: string, lookup: ReturnType<typeof definitionLookup>) {
  const { job } = task;
  const definition = job.definitionId ? lookup(job.definitionId) : undefined;
  const headers = job.definitionId && job.elementId ? ctx.engine.graph(job.definitionId).nodes[job.elementId]?.job?.headers ?? {} : {};
  const instanceKey = ctx.keys.keyOf(job.instanceId!);
  return {
    jobKey: ctx.keys.keyOf(job.id),
    type: job.topic,
    processInstanceKey: instanceKey,
    processDefinitionId: job.definitionKey,
    processDefinitionVersion: definition?.version ?? null,
    processDefinitionKey: job.definitionId ? ctx.keys.keyOf(job.definitionId) : null,
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceId ? ctx.keys.keyOf(job.elementInstanceId) : null,
    customHeaders: headers,
    worker,
    retries: job.retries,
    deadline: job.lockExpiresAt,
    variables: task.variables,
    tenantId: tenantOut(definition?.tenantId),
    kind: 'BPMN_ELEMENT',
    listenerEventType: 'UNSPECIFIED',
    userTask: null,
    tags: [] as string[],
    rootProcessInstanceKey: instanceKey,
  };
}
