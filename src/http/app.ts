import express, { type Express, type RequestHandler, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Engine } from '../runtime/engine.js';
import { createRouter, policyOf, type CamundaRouter, type RouterOptions } from './router.js';
import { errorHandler } from './errors.js';
import { sendJson } from './respond.js';
import { authMiddleware } from './auth.js';
import { hostGuard } from './host-guard.js';
import { refuseCrossOriginWrites } from './cross-origin-guard.js';
import { redactUrl } from './redact-url.js';
import { cockpitRouter } from '../cockpit/index.js';
import { camunda8Router } from './camunda8/index.js';
import { identityOf } from '../identity/identity-service.js';
import { createEngineMetrics, type EngineMetrics } from '../observability/metrics.js';
import { observabilityRouter } from '../observability/router.js';

export interface ServerAppOptions extends RouterOptions {
  /** request logs go here (default: the engine's logger) */
  logger?: Logger;
  /** log every request (default true) */
  requestLogs?: boolean;
  /** answered at /.well-known/camunda-automation-platform/webapps (Camunda Modeler's Cockpit link); 404 when absent */
  webapps?: { cockpitUrl?: string; tasklistUrl?: string; adminUrl?: string };
  /** serve the web cockpit at `/` (default true) */
  cockpit?: boolean;
  /** the model registry's router, mounted at `/mlc` behind the same auth */
  mlc?: Router;
  /** `/metrics` and `/health/*` behind the same auth (default: metrics of the engine alone; false: not mounted) */
  metrics?: EngineMetrics | false;
  /**
   * host names the server answers to besides localhost, 127.0.0.1 and [::1] (DNS rebinding).
   * Default: checked when auth is `none`, with no extra names; `false` turns the check off
   * (a reverse proxy that already checks Host); with auth on it is checked only when given.
   */
  allowedHosts?: readonly string[] | false;
}

export interface ServerApp extends Express {
  /** ends long polls so the server can close promptly */
  closeRest(): void;
  /** the mounted REST router (its external-task service, for embedding and tests) */
  rest: CamundaRouter;
}

/** Collapses `//` (Camunda Modeler sends `…/engine-rest//deployment` for a base URL ending in `/`). */
const collapseSlashes: RequestHandler = (req, _res, next) => {
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  if (path.includes('//')) req.url = path.replace(/\/{2,}/g, '/') + (q === -1 ? '' : req.url.slice(q));
  next();
};

/**
 * The whole HTTP server: the Camunda REST API under `/engine-rest` and `/rest`, the
 * `.well-known` web-app lookup Camunda Modeler does after a deploy, and request logs.
 */
export function createServerApp(engine: Engine, options: ServerAppOptions = {}): ServerApp {
  const app = express() as unknown as ServerApp;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use(collapseSlashes);
  if (options.requestLogs !== false) {
    app.use(pinoHttp({
      logger: options.logger ?? engine.logger,
      // never log credentials or bodies: method, path (query secrets redacted) and status are enough
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url ?? '') }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      wrapSerializers: false,
      // requests (the cockpit polls every few seconds) are debug; only a failing server is an error
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'debug'),
    }));
  }
  // after the request log, so that refused rebinding attempts show up in it
  const mode = options.auth?.mode ?? 'none';
  if (options.allowedHosts !== false && (options.allowedHosts !== undefined || mode === 'none')) app.use(hostGuard(options.allowedHosts ?? []));
  const policy = policyOf(options.allowedOrigins);
  const rest: CamundaRouter = createRouter(engine, { ...options, allowedOrigins: policy });
  app.use('/engine-rest', rest);
  app.use('/rest', rest);
  app.get('/.well-known/camunda-automation-platform/webapps', (_req, res) => {
    const webapps = options.webapps;
    if (!webapps) return sendJson(res, 404, { type: 'NotFoundException', message: 'No web applications are configured', code: null });
    sendJson(res, 200, { adminUrl: webapps.adminUrl ?? null, cockpitUrl: webapps.cockpitUrl ?? null, tasklistUrl: webapps.tasklistUrl ?? null });
  });
  const guard = [authMiddleware(options.auth ?? { mode: 'none' }, identityOf(engine)), refuseCrossOriginWrites(policy)];
  if (options.mlc) app.use('/mlc', ...guard, options.mlc);
  // Camunda 8 clients (Modeler, @camunda8/sdk): same auth, same cross-origin write check, same worker queue
  app.use('/v2', ...guard, camunda8Router(engine, { externalTasks: rest.externalTasks, jsonLimit: options.jsonLimit, maxUploadBytes: options.maxUploadBytes, maxFiles: options.maxFiles }));
  if (options.metrics !== false) app.use(...guard, observabilityRouter(engine, options.metrics ?? createEngineMetrics(engine)));
  if (options.cockpit !== false) app.use(...guard, cockpitRouter({ engine }));
  else app.get('/', (_req, res) => sendJson(res, 200, { name: 'mlc-engine', rest: '/engine-rest', openapi: '/engine-rest/openapi.json' }));
  app.use((req, res) => sendJson(res, 404, { type: 'NotFoundException', message: `Nothing at ${req.method} ${req.path.slice(0, 200)}; the REST API is under /engine-rest`, code: null }));
  app.use(errorHandler(engine.logger));
  app.closeRest = () => rest.close();
  app.rest = rest;
  return app;
}
