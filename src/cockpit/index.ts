import express, { type Router } from 'express';
import type { Engine } from '../runtime/engine.js';
import { cockpitApi } from './api.js';
import { defaultAssetsDir, ensureBundle } from './assets.js';

export { buildAssets, bundleExists, bundleIsStale, defaultAssetsDir } from './assets.js';
export { modelCardFrom, type ModelCard } from './model-card.js';

export interface CockpitOptions {
  engine: Engine;
  /** where the Camunda REST API is mounted on the same server (default `/engine-rest`) */
  restPath?: string;
  /** where the model registry is mounted, if it is (default `/mlc`) */
  mlcPath?: string;
  /** the built bundle (default `dist/cockpit-assets/` at the package root) */
  assetsDir?: string;
  /** build the bundle on the first request when it is missing (default true; needs esbuild) */
  buildIfMissing?: boolean;
}

/** The page may run only our own bundle: no inline scripts, no eval, nothing from elsewhere. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'";

/**
 * The web cockpit: `GET /` serves the single page, `/cockpit/assets/*` its bundle, and
 * `/cockpit/api/*` the read aggregates the pages need (statistics, instance detail, tasks with
 * forms and model cards). Mount it at the root of the server, behind the same auth as the REST API:
 *
 *     app.use(authMiddleware(auth), cockpitRouter({ engine }));
 */
export function cockpitRouter(options: CockpitOptions): Router {
  const dir = options.assetsDir ?? defaultAssetsDir;
  const bundle = ensureBundle(dir, options.buildIfMissing ?? true);
  const router = express.Router();
  router.use('/cockpit/api', cockpitApi({ engine: options.engine, restPath: options.restPath ?? '/engine-rest', mlcPath: options.mlcPath ?? '/mlc' }));
  router.use('/cockpit/assets', bundle, express.static(dir, { index: false, fallthrough: false, maxAge: '1h' }));
  const page: express.RequestHandler = (_req, res) => {
    res.set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.sendFile('index.html', { root: dir });
  };
  router.get('/', bundle, page);
  router.get(['/cockpit', '/cockpit/'], (_req, res) => res.redirect(302, '/'));
  return router;
}
