import express, { type Router } from 'express';
import type { Engine } from '../../runtime/engine.js';
import type { ExternalTaskService } from '../../runtime/external-tasks.js';
import { Camunda8KeyStore } from '../../store/camunda8-key-store.js';
import { requireJsonBody } from '../body-type.js';
import { wellFormedJson } from '../well-formed.js';
import type { V2Context, V2Route } from './context.js';
import { problemHandler, problemNotFound } from './problem.js';
import { camunda8OpenApi } from './openapi.js';
import { ok } from '../respond.js';
import { clusterRoutes } from './cluster.js';
import { deploymentRoutes } from './deployments.js';
import { processInstanceRoutes } from './process-instances.js';
import { processDefinitionRoutes } from './process-definitions.js';
import { jobRoutes } from './jobs.js';
import { messageRoutes } from './messages.js';
import { signalRoutes } from './signals.js';
import { userTaskRoutes } from './user-tasks.js';
import { incidentRoutes } from './incidents.js';
import { variableRoutes } from './variables.js';
import { elementInstanceRoutes } from './element-instances.js';
import { adHocActivityRoutes } from './ad-hoc-activities.js';
import { decisionDefinitionRoutes } from './decision-definitions.js';
import { decisionInstanceRoutes } from './decision-instances.js';

export interface Camunda8RouterOptions {
  /** the remote-worker queue shared with the Camunda 7 external tasks (long polls end with it) */
  externalTasks: ExternalTaskService;
  jsonLimit?: string | number;
  maxUploadBytes?: number;
  maxFiles?: number;
}

/**
 * The Camunda 8 Orchestration Cluster REST API (`/v2`), for Camunda Modeler and `@camunda8/sdk`:
 * a thin adapter over the same engine the Camunda 7 API serves. Auth and the cross-origin write
 * check are applied by whoever mounts it (see createServerApp).
 */
export function camunda8Router(engine: Engine, options: Camunda8RouterOptions): Router {
  const ctx: V2Context = {
    engine,
    keys: new Camunda8KeyStore(engine.db),
    externalTasks: options.externalTasks,
    limits: { maxUploadBytes: options.maxUploadBytes ?? 10 * 1024 * 1024, maxFiles: options.maxFiles ?? 100 },
  };
  const routes: V2Route[] = [
    ...clusterRoutes(), ...deploymentRoutes(ctx), ...processDefinitionRoutes(ctx), ...processInstanceRoutes(ctx), ...jobRoutes(ctx), ...messageRoutes(ctx), ...signalRoutes(ctx),
    ...userTaskRoutes(ctx), ...incidentRoutes(ctx), ...variableRoutes(ctx), ...elementInstanceRoutes(ctx), ...adHocActivityRoutes(ctx),
    ...decisionDefinitionRoutes(ctx), ...decisionInstanceRoutes(ctx),
  ];
  const router = express.Router({ strict: false });
  router.use(express.json({ limit: options.jsonLimit ?? '1mb', type: ['application/json', 'application/*+json'] }));
  router.use(wellFormedJson);
  router.get('/openapi.json', (req, res) => ok(res, camunda8OpenApi(routes, req.baseUrl || '/v2')));
  for (const route of routes) {
    if (route.method === 'get' || route.path === '/deployments') router[route.method](route.path, route.handler);
    else router[route.method](route.path, requireJsonBody(route.path), route.handler);
  }
  router.use(problemNotFound);
  router.use(problemHandler(engine.logger));
  return router;
}
