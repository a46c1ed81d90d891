import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import type { Engine } from '../runtime/engine.js';
import { BadRequestError, ConflictError, NotFoundError } from '../runtime/errors.js';
import { isFinal } from '../runtime/lifecycle.js';
import type { IncidentRecord, InstanceRecord, TaskRecord } from '../store/records.js';
import { resolveTaskForm } from './forms.js';
import { modelCardFrom } from './model-card.js';
import { rejectionOf } from './rejection.js';
import { softProxy } from './mlc-proxy.js';
import { diagramSource } from './diagram-layout.js';
import { AuthorizationError } from '../identity/authorization-error.js';
import { requireOnDefinitionOf } from '../identity/operator-authorization.js';

export interface CockpitApiOptions {
  engine: Engine;
  /** where the Camunda REST API is mounted (the UI calls it for deploy, claim, complete, cancel) */
  restPath: string;
  /** where the model registry is mounted, if at all */
  mlcPath: string;
}

const MAX_PAGE = 200;

function page(req: Request, fallback = 50): { firstResult: number; maxResults: number } {
  const first = Number(req.query.firstResult ?? 0);
  const max = Number(req.query.maxResults ?? fallback);
  return {
    firstResult: Number.isInteger(first) && first >= 0 ? first : 0,
    maxResults: Number.isInteger(max) && max >= 0 ? Math.min(max, MAX_PAGE) : fallback,
  };
}

function stringParam(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function idParam(req: Request): string {
  const value = (req.params as Record<string, string | string[] | undefined>).id;
  return Array.isArray(value) ? value.join('/') : (value ?? '');
}

/** The acting user: the authenticated one when auth is on. */
function userOf(res: Response): string | null {
  return typeof res.locals.userId === 'string' ? res.locals.userId : null;
}

const incidentJson = (i: IncidentRecord) => ({
  id: i.id, type: i.type, elementId: i.elementId, elementInstanceId: i.elementInstanceId, jobId: i.jobId, message: i.message, createdAt: i.createdAt,
});

const taskJson = (t: TaskRecord) => ({
  id: t.id, name: t.name, elementId: t.elementId, assignee: t.assignee, candidateGroups: t.candidateGroups, candidateUsers: t.candidateUsers,
  instanceId: t.instanceId, definitionId: t.definitionId, definitionKey: t.definitionKey, createdAt: t.createdAt, dueAt: t.dueAt, priority: t.priority,
  formKey: t.formKey, formRef: t.formRef,
});

const instanceJson = (i: InstanceRecord) => ({
  id: i.id, definitionId: i.definitionId, definitionKey: i.definitionKey, businessKey: i.businessKey, state: i.state,
  startedAt: i.startedAt, endedAt: i.endedAt, parentInstanceId: i.parentInstanceId, suspended: i.suspended === true,
});

export interface TreeNode {
  id: string;
  elementId: string;
  name: string | null;
  type: string;
  state: string;
  startedAt: number;
  incidents: number;
  children: TreeNode[];
}

/** The cockpit's own read API: aggregates the Camunda REST API has no single call for. */
export function cockpitApi(options: CockpitApiOptions): Router {
  const { engine } = options;
  const queries = engine.queries.cockpit;
  const router = express.Router();
  const wrap = (fn: (req: Request, res: Response) => unknown) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const body = await fn(req, res);
      if (!res.headersSent) res.set('Cache-Control', 'no-store').json(body);
    } catch (error) {
      next(error);
    }
  };
  const definitionName = (id: string) => {
    const d = engine.core.repository.getDefinition(id);
    return d ? { name: d.name ?? d.key, version: d.version } : { name: id, version: null };
  };

  router.get('/info', wrap((_req, res) => ({
    user: userOf(res),
    restPath: options.restPath,
    mlcPath: options.mlcPath,
    now: engine.clock.now(),
  })));

  /** Definitions grouped by key, newest version first, with running instances and incidents per version; paged by key. */
  router.get('/definitions', wrap((req) => {
    const { firstResult, maxResults } = page(req, 100);
    const filter = { latestVersion: true, key: stringParam(req, 'key') };
    const latest = engine.queries.definitions({ ...filter, sortBy: 'key', sortOrder: 'asc', firstResult, maxResults });
    const total = engine.queries.countDefinitions(filter);
    const counts = queries.definitionCounts();
    const items = latest.map((d) => {
      const versions = engine.queries.definitions({ key: d.key, tenantId: d.tenantId ?? undefined, sortBy: 'version', sortOrder: 'desc', maxResults: 20 })
        .map((v) => ({ id: v.id, version: v.version, versionTag: v.versionTag, deployedAt: v.deployedAt, resourceName: v.resourceName, ...(counts.get(v.id) ?? { running: 0, incidents: 0 }) }));
      return {
        key: d.key,
        name: d.name ?? d.key,
        latestId: d.id,
        versions,
        running: versions.reduce((n, v) => n + v.running, 0),
        incidents: versions.reduce((n, v) => n + v.incidents, 0),
      };
    });
    return { total, firstResult, maxResults, items };
  }));

  router.get('/definitions/:id', wrap((req) => {
    const definition = engine.definition(idParam(req));
    return { id: definition.id, key: definition.key, name: definition.name ?? definition.key, version: definition.version, versionTag: definition.versionTag, deployedAt: definition.deployedAt };
  }));

  /** The XML to draw: the deployed one, or for a diagram without shapes its automatic layout. */
  const diagram = diagramSource(engine);
  router.get('/definitions/:id/diagram', wrap((req) => diagram(idParam(req))));

  router.get('/definitions/:id/statistics', wrap((req) => {
    const definition = engine.definition(idParam(req));
    return queries.elementStatistics(definition.id);
  }));

  /** Running instances (of one definition, or all), newest first, server-side paged. */
  router.get('/instances', wrap((req) => {
    const { firstResult, maxResults } = page(req);
    const filter = {
      processDefinitionId: stringParam(req, 'definitionId'),
      businessKeyLike: stringParam(req, 'businessKey') === undefined ? undefined : `%${stringParam(req, 'businessKey')!.replace(/[\\%_]/g, '\\$&')}%`,
    };
    const rows = engine.queries.instances({ ...filter, sortBy: 'startTime', sortOrder: 'desc', firstResult, maxResults });
    const total = engine.queries.countInstances(filter);
    const items = rows.map((i) => ({ ...instanceJson(i), incidents: engine.queries.incidentsOfInstance(i.id).length, definition: definitionName(i.definitionId) }));
    return { total, firstResult, maxResults, items };
  }));

  router.get('/instances/:id', wrap((req) => {
    const id = idParam(req);
    const instance = engine.core.runtime.getInstance(id);
    if (!instance) throw new NotFoundError(`No process instance with id '${id}'`);
    const graph = engine.graph(instance.definitionId);
    const incidents = engine.queries.incidentsOfInstance(id);
    const running = instance.state === 'active';
    const nodes = new Map<string, TreeNode>();
    const rows = running ? engine.queries.elementInstancesOf(id).filter((ei) => !isFinal(ei.state)).sort((a, b) => a.startedAt - b.startedAt) : [];
    for (const ei of rows) {
      const node = graph.nodes[ei.elementId];
      nodes.set(ei.id, {
        id: ei.id, elementId: ei.elementId, name: node?.name ?? null, type: node?.type.replace(/^bpmn:/, '') ?? 'unknown', state: ei.state,
        startedAt: ei.startedAt, incidents: incidents.filter((i) => i.elementInstanceId === ei.id).length, children: [],
      });
    }
    const roots: TreeNode[] = [];
    for (const ei of rows) (ei.parentId !== null && nodes.has(ei.parentId) ? nodes.get(ei.parentId)!.children : roots).push(nodes.get(ei.id)!);
    const history = queries.recentHistory(id, 100).map((h) => ({ ...h, data: h.data ? safeParse(h.data) : null }));
    return {
      instance: instanceJson(instance),
      definition: definitionName(instance.definitionId),
      variables: running ? engine.variables(id) : {},
      path: queries.instancePath(id),
      flows: Object.values(graph.flows).map((f) => ({ id: f.id, source: f.source, target: f.target })),
      tree: roots,
      incidents: incidents.map(incidentJson),
      tasks: engine.queries.tasks({ processInstanceId: id, maxResults: 50 }).map(taskJson),
      history,
    };
  }));

  /**
   * Every open incident, newest first, with what an operator needs to act on it: the failed job's
   * retries and error details (stack trace), the instance's business key and the definition's name.
   * Retry and resolve go through the Camunda REST routes (`PUT /job/{id}/retries`, `DELETE /incident/{id}`).
   */
  router.get('/incidents', wrap((req) => {
    const { firstResult, maxResults } = page(req);
    const filter = { incidentType: stringParam(req, 'type'), processDefinitionId: stringParam(req, 'definitionId'), activityId: stringParam(req, 'elementId') };
    const rows = engine.queries.incidents({ ...filter, sortBy: 'incidentTimestamp', sortOrder: 'desc', firstResult, maxResults });
    const total = engine.queries.countIncidents(filter);
    const items = rows.map((i) => {
      const job = i.jobId ? engine.core.runtime.getJob(i.jobId) : undefined;
      const instance = engine.core.runtime.getInstance(i.instanceId);
      return {
        ...incidentJson(i),
        instanceId: i.instanceId,
        businessKey: instance?.businessKey ?? null,
        definitionId: i.definitionId ?? instance?.definitionId ?? null,
        definition: definitionName(i.definitionId ?? instance?.definitionId ?? ''),
        job: job ? { id: job.id, retries: job.retries, attempts: job.attempts, topic: job.topic, errorMessage: job.errorMessage, errorDetails: job.errorDetails } : null,
      };
    });
    return { total, firstResult, maxResults, items };
  }));

  router.get('/incidents/count', wrap(() => ({ count: engine.queries.countIncidents({}) })));

  /** Retries what an incident stopped: a failed job gets one more attempt, anything else re-runs its element. */
  router.post('/incidents/:id/retry', wrap(async (req, res) => {
    const incident = engine.core.runtime.getIncident(idParam(req));
    if (incident) requireOnDefinitionOf(engine, userOf(res), 'modify', incident.definitionId);
    await engine.resolveIncident(idParam(req), userOf(res));
    return { resolved: true };
  }));

  /** Open user tasks, filtered by candidate group and/or assignee, oldest first. */
  router.get('/tasks', wrap((req) => {
    const { firstResult, maxResults } = page(req);
    const candidateGroup = stringParam(req, 'candidateGroup');
    const assignee = stringParam(req, 'assignee');
    const filter = { candidateGroup, assignee, includeAssignedTasks: candidateGroup !== undefined ? true : undefined };
    const rows = engine.queries.tasks({ ...filter, sortBy: 'created', sortOrder: 'asc', firstResult, maxResults });
    const total = engine.queries.countTasks(filter);
    return {
      total, firstResult, maxResults,
      items: rows.map((t) => ({ ...taskJson(t), definition: definitionName(t.definitionId), businessKey: engine.core.runtime.getInstance(t.instanceId)?.businessKey ?? null })),
    };
  }));

  /** Whether a task is still open and who holds it (the tasklist polls this while a task is shown). */
  router.get('/tasks/:id/status', wrap((req) => {
    const task = engine.core.runtime.getTask(idParam(req));
    return task ? { open: true, assignee: task.assignee } : { open: false, assignee: null };
  }));

  router.get('/tasks/:id', wrap((req) => {
    const id = idParam(req);
    const task = engine.core.runtime.getTask(id);
    if (!task) throw new NotFoundError(`No open user task with id '${id}': it may have been completed`);
    const variables = engine.queries.visibleVariables(task.instanceId, task.elementInstanceId);
    const definition = engine.core.repository.getDefinition(task.definitionId);
    return {
      task: { ...taskJson(task), definition: definitionName(task.definitionId), businessKey: engine.core.runtime.getInstance(task.instanceId)?.businessKey ?? null },
      variables,
      form: resolveTaskForm(queries, task, definition, engine.graph(task.definitionId).nodes[task.elementId]?.userTask?.formFields),
      modelCard: modelCardFrom(variables),
      rejection: rejectionOf(engine, task.instanceId, variables),
    };
  }));

  router.use('/mlc', softProxy(options.mlcPath));

  router.use((req: Request, res: Response) => {
    res.status(404).json({ type: 'NotFoundException', message: `No cockpit API at ${req.method} ${req.path.slice(0, 200)}` });
  });
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof AuthorizationError) {
      res.status(403).json({ type: error.type, message: error.message, userId: error.userId, missingAuthorizations: error.missingAuthorizations });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const status = error instanceof NotFoundError ? 404 : error instanceof BadRequestError ? 400 : error instanceof ConflictError ? 409 : 500;
    if (status === 500) engine.logger.error({ err: error }, 'cockpit API request failed');
    res.status(status).json({ type: status === 500 ? 'ProcessEngineException' : 'InvalidRequestException', message: status === 500 ? 'An internal error occurred; see the server log' : message });
  });
  return router;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
