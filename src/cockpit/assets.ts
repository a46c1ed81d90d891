import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Where `scripts/build-cockpit.mjs` writes the bundle: `dist/cockpit-assets/` at the package root. */
export const defaultAssetsDir = fileURLToPath(new URL('../../dist/cockpit-assets/', import.meta.url));
const buildScript = new URL('../../scripts/build-cockpit.mjs', import.meta.url);

export function bundleExists(dir: string): boolean {
  return existsSync(`${dir}/index.html`) && existsSync(`${dir}/app.js`) && existsSync(`${dir}/app.css`);
}

const sourcesDir = fileURLToPath(new URL('./ui/', import.meta.url));

/** True when a UI source file is newer than the bundle (for tests and development; false when the sources are not shipped). */
export function bundleIsStale(dir: string = defaultAssetsDir): boolean {
  if (!bundleExists(dir)) return true;
  if (!existsSync(sourcesDir)) return false;
  const built = statSync(join(dir, 'app.js')).mtimeMs;
  const newest = (folder: string): number => Math.max(0, ...readdirSync(folder, { withFileTypes: true }).map((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? newest(path) : statSync(path).mtimeMs;
  }));
  return newest(sourcesDir) > built;
}

/**
 * Builds the bundle into `dir` (esbuild, from node_modules). Used by `npm install` (prepare), the
 * tests, and a server started on a fresh clone whose bundle is missing.
 */
export async function buildAssets(dir: string = defaultAssetsDir): Promise<void> {
  const module = (await import(buildScript.href)) as { buildCockpit(options: { outdir: string; quiet?: boolean }): Promise<void> };
  await module.buildCockpit({ outdir: dir, quiet: true });
}

/**
 * Middleware that makes sure the bundle exists before the cockpit's files are served: when it is
 * missing it is built once, on the first request; when that fails (esbuild not installed, say)
 * the answer is a 503 that says what to run.
 */
export function ensureBundle(dir: string, buildIfMissing: boolean): RequestHandler {
  let building: Promise<void> | null = null;
  let failure: string | null = null;
  return (_req: Request, res: Response, next: NextFunction) => {
    if (bundleExists(dir)) return next();
    if (!buildIfMissing || failure) {
      // the folder and the build failure go to whoever runs the server (stderr), not to the browser
      res.status(503).type('text/plain').send(`The cockpit bundle is missing${failure ? ' and building it failed' : ''}.\nRun: npm run build:cockpit`);
      return;
    }
    building ??= buildAssets(dir).catch((error: unknown) => {
      failure = error instanceof Error ? error.message : String(error);
      console.error(`mlc cockpit: building the bundle in ${dir} failed: ${failure}`);
    }).finally(() => {
      building = null;
    });
    void building.then(() => {
      if (bundleExists(dir)) next();
      else res.status(503).type('text/plain').send('The cockpit bundle could not be built.\nRun: npm run build:cockpit');
    });
  };
}
