import express, { type Router } from 'express';
import type { Engine } from '../runtime/engine.js';
import { ExternalTaskService, type ExternalTaskOptions } from '../runtime/external-tasks.js';
import { authMiddleware, configureIdentity, type AuthConfig } from './auth.js';
import { cors } from './cors.js';
import { refuseCrossOriginWrites } from './cross-origin-guard.js';
import { originPolicy, type OriginPolicy } from './origin-policy.js';
import { requireJsonBody } from './body-type.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { ok } from './respond.js';
import { openApiDocument } from './openapi.js';
import { wellFormedJson } from './well-formed.js';
import type { Route, RouteContext } from './routes/route.js';
import { engineInfoRoutes } from './routes/engine-info.js';
import { deploymentRoutes } from './routes/deployment.js';
import { processDefinitionRoutes } from './routes/process-definition.js';
import { processInstanceRoutes } from './routes/process-instance.js';
import { suspensionRoutes } from './routes/suspension.js';
import { modificationRoutes } from './routes/modification.js';
import { taskRoutes } from './routes/task.js';
import { messageRoutes } from './routes/message.js';
import { signalRoutes } from './routes/signal.js';
import { conditionRoutes } from './routes/condition.js';
import { externalTaskRoutes } from './routes/external-task.js';
import { incidentRoutes } from './routes/incident.js';
import { jobRoutes } from './routes/job.js';
import { historyRoutes } from './routes/history.js';
import { identityRoutes } from './routes/identity.js';
import { executionRoutes } from './routes/execution.js';
import { eventSubscriptionRoutes } from './routes/event-subscription.js';
import { variableInstanceRoutes } from './routes/variable-instance.js';
import { taskVariableRoutes } from './routes/task-variables.js';
import { decisionDefinitionRoutes } from './routes/decision-definition.js';
import { decisionInstanceHistoryRoutes } from './routes/decision-instance-history.js';

export interface RouterOptions {
  /** none (default), basic or bearer */
  auth?: AuthConfig;
  /** JSON body limit (default '1mb') */
  jsonLimit?: string | number;
  /** deployment upload limit in bytes (default 10 MB) */
  maxUploadBytes?: number;
  /** resources per deployment (default 100) */
  maxFiles?: number;
  /** long polling of fetchAndLock */
  externalTasks?: ExternalTaskOptions;
  /**
   * browser origins besides the server's own that may change state (default: only Camunda
   * Modeler's `file://`); a list is turned into a policy with `originPolicy`
   */
  allowedOrigins?: readonly string[] | OriginPolicy;
}

/** The origin policy of router options: a given policy, or one built from a list of origins. */
export function policyOf(allowed: RouterOptions['allowedOrigins']): OriginPolicy {
  if (allowed && !Array.isArray(allowed) && 'trusted' in allowed) return allowed;
  return originPolicy((allowed as readonly string[] | undefined) ?? []);
}

/** Every route of the Camunda REST API we serve, in matching order (fixed paths before `:id`). */
export function allRoutes(ctx: RouteContext): Route[] {
  return [
    ...engineInfoRoutes(),
    ...deploymentRoutes(ctx),
    ...suspensionRoutes(ctx),
    ...modificationRoutes(ctx),
    ...processDefinitionRoutes(ctx),
    ...processInstanceRoutes(ctx),
    ...taskRoutes(ctx),
    ...taskVariableRoutes(ctx),
    ...messageRoutes(ctx),
    ...signalRoutes(ctx),
    ...conditionRoutes(ctx),
    ...externalTaskRoutes(ctx),
    ...incidentRoutes(ctx),
    ...jobRoutes(ctx),
    ...historyRoutes(ctx),
    ...identityRoutes(ctx),
    ...executionRoutes(ctx),
    ...eventSubscriptionRoutes(ctx),
    ...variableInstanceRoutes(ctx),
    ...decisionDefinitionRoutes(ctx),
    ...decisionInstanceHistoryRoutes(ctx),
  ];
}

export interface CamundaRouter extends Router {
  /** ends long polls (shutdown) */
  close(): void;
  externalTasks: ExternalTaskService;
}

/** `/process-definition/key/x` → `process-definition` (lower case: express matches paths case-insensitively). */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

/**
 * The Camunda 7 REST API as an express router, to mount at `/engine-rest` in any express app:
 * CORS, auth, JSON parsing with limits, the routes, and Camunda-shaped errors (also for 404s).
 */
export function createRouter(engine: Engine, options: RouterOptions = {}): CamundaRouter {
  const externalTasks = new ExternalTaskService(engine, options.externalTasks);
  const ctx: RouteContext = {
    engine,
    externalTasks,
    limits: { maxUploadBytes: options.maxUploadBytes ?? 10 * 1024 * 1024, maxFiles: options.maxFiles ?? 100 },
  };
  const routes = allRoutes(ctx);
  const router = express.Router({ strict: false }) as CamundaRouter;
  const policy = policyOf(options.allowedOrigins);
  router.use(cors(policy));
  const auth = options.auth ?? { mode: 'none' };
  router.use(authMiddleware(auth, configureIdentity(engine, auth)));
  router.use(refuseCrossOriginWrites(policy));
  router.use(express.json({ limit: options.jsonLimit ?? '1mb', type: ['application/json', 'application/*+json'] }));
  router.use(wellFormedJson);
  router.get('/openapi.json', (req, res) => ok(res, openApiDocument(routes, { serverUrl: req.baseUrl || '/engine-rest' })));
  // Routes are grouped by their first path segment (every route path starts with a literal one),
  // so a request is matched only against its own group, in the same order, instead of walking
  // every route of the API; matching stays express's (case-insensitive, optional trailing slash).
  const groups = new Map<string, Router>();
  for (const route of routes) {
    const segment = firstSegment(route.path);
    let group = groups.get(segment);
    if (!group) groups.set(segment, (group = express.Router({ strict: false })));
    if (route.method === 'get' || route.multipart) group[route.method](route.path, route.handler);
    else group[route.method](route.path, requireJsonBody(route.path), route.handler);
  }
  router.use((req, res, next) => {
    const group = groups.get(firstSegment(req.path));
    if (group) group(req, res, next);
    else next();
  });
  router.use(notFoundHandler);
  router.use(errorHandler(engine.logger));
  router.close = () => externalTasks.close();
  router.externalTasks = externalTasks;
  return router;
}
