#!/usr/bin/env node
// Bundles the web cockpit (src/cockpit/ui) with esbuild from node_modules: bpmn-js, form-js and
// their CSS and fonts. No CDN: everything the page loads comes out of this folder.
// Usage: node scripts/build-cockpit.mjs [outdir]   (default dist/cockpit-assets, git-ignored)
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const defaultOutdir = join(root, 'dist', 'cockpit-assets');

/** Builds app.js, app.css, the fonts and index.html into `outdir`. */
export async function buildCockpit({ outdir = defaultOutdir, quiet = false } = {}) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('esbuild is not installed (it is a devDependency): run `npm install` in the mlc-engine folder');
  }
  const started = Date.now();
  const tmp = `${outdir.replace(/[\\/]+$/, '')}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { app: join(root, 'src/cockpit/ui/main.ts') },
    outdir: tmp,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: quiet ? 'error' : 'warning',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file' },
    assetNames: 'fonts/[name]-[hash]',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
  });
  await copyFile(join(root, 'src/cockpit/ui/index.html'), join(tmp, 'index.html'));
  // swap the folders so a running server never serves half a bundle; when another build
  // (a parallel test file, say) swaps at the same moment, either result is good
  await mkdir(dirname(outdir), { recursive: true });
  const old = `${tmp}.old`;
  await rename(outdir, old).catch(() => undefined);
  try {
    await rename(tmp, outdir);
  } catch {
    await rm(tmp, { recursive: true, force: true });
  }
  await rm(old, { recursive: true, force: true });
  if (!quiet) {
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    console.log(`cockpit bundle: ${outdir} (${Math.round(bytes / 1024)} KiB, ${Date.now() - started} ms)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildCockpit({ outdir: process.argv[2] ? resolve(process.argv[2]) : defaultOutdir }).catch((error) => {
    console.error(`cockpit build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
