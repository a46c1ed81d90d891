import { Router } from 'express';
import type { Engine } from '../runtime/engine.js';
import { readinessOf } from './health.js';
import type { EngineMetrics } from './metrics.js';

/**
 * `GET /metrics` (Prometheus text format), `GET /health/live` (the process answers) and
 * `GET /health/ready` (503 with the failing checks when the database cannot be written or the
 * scheduler is stopped). Mounted at the server root, behind the same authentication as the rest.
 */
export function observabilityRouter(engine: Engine, metrics: EngineMetrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res, next) => {
    try {
      const text = await metrics.scrape();
      res.status(200).type(metrics.contentType).send(text);
    } catch (error) {
      next(error);
    }
  });
  router.get('/health/live', (_req, res) => {
    res.status(200).json({ status: 'UP' });
  });
  router.get('/health/ready', (_req, res) => {
    const readiness = readinessOf(engine);
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'UP' : 'DOWN', checks: readiness.checks });
  });
  return router;
}
