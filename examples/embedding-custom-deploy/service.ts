/**
 * An existing express service that embeds mlc-engine with the model lifecycle, and replaces the
 * built-in `deploy` handler with its own: instead of loading the model into a bundled scoring
 * runtime, it publishes the approved ONNX artifact to a directory a serving sidecar watches
 * (think: a model server's repository), with a manifest. Everything else — registry, training,
 * test, approval routing, alerts — is the built-in lifecycle.
 *
 *   npx tsx examples/embedding-custom-deploy/service.ts      (PORT, default 3000; DATA_DIR, default ./data/embedded)
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { BpmnError, Engine, type JobContext } from '../../src/index.js';
import { installModelLifecycle, mlcRouter, type ModelLifecycle } from '../../src/mlc/index.js';

export interface ServiceOptions {
  dataDir: string;
  database?: string;
  engine?: Engine;
}

export interface Service {
  app: express.Express;
  engine: Engine;
  lifecycle: ModelLifecycle;
  /** where published models land: <dataDir>/published/<modelId>/ */
  publishDir: string;
}

export async function createService(options: ServiceOptions): Promise<Service> {
  const engine = options.engine ?? (await Engine.open({ database: options.database ?? join(options.dataDir, 'engine.sqlite') }));
  const publishDir = join(options.dataDir, 'published');
  let lifecycle: ModelLifecycle | undefined;

  // Registered BEFORE installModelLifecycle: the lifecycle then leaves `deploy` to us.
  engine.handle('deploy', async (job: JobContext) => {
    const lc = lifecycle!;
    const modelId = String(job.variables.modelId);
    const n = Number(job.variables.modelVersion);
    const version = lc.registry.version(modelId, n);
    if (version.status !== 'approved' && version.status !== 'deployed') {
      throw new BpmnError('DEPLOY_FAILED', `${modelId} v${n} is ${version.status}, not approved`);
    }
    const target = join(publishDir, modelId);
    mkdirSync(target, { recursive: true });
    // idempotent: the same job delivered twice writes the same files
    copyFileSync(lc.registry.artifactPath(version), join(target, `${n}.onnx`));
    writeFileSync(join(target, 'current.json'), JSON.stringify({ modelId, version: n, sha256: version.sha256, features: version.features, publishedBy: job.instance.id }, null, 2));
    if (version.status === 'approved') lc.registry.transition(modelId, n, 'deployed', { instanceId: job.instance.id, data: { target: 'sidecar' } });
    return { variables: { runtimeName: 'sidecar', deployedVersion: n } };
  });

  // The built-in verification asks a bundled runtime what it serves; here the sidecar serves what
  // the manifest names, so that is what is checked. A failure rolls the deployment back (compensation).
  engine.handle('verify-deployment', async (job: JobContext) => {
    const lc = lifecycle!;
    const modelId = String(job.variables.modelId);
    const n = Number(job.variables.modelVersion);
    const failed = (reason: string) => new BpmnError('DEPLOY_FAILED', reason, { deployError: reason, failureReason: reason });
    let manifest: { modelId?: unknown; version?: unknown; sha256?: unknown };
    try {
      manifest = JSON.parse(readFileSync(join(publishDir, modelId, 'current.json'), 'utf8')) as typeof manifest;
    } catch (error) {
      throw failed(`${modelId} v${n}: no readable manifest for the sidecar (${(error as Error).message})`);
    }
    if (manifest.modelId !== modelId || manifest.version !== n || manifest.sha256 !== lc.registry.version(modelId, n).sha256) {
      throw failed(`the sidecar manifest names ${String(manifest.modelId)} v${String(manifest.version)}, not ${modelId} v${n}`);
    }
    return { variables: { deploymentVerified: true } };
  });

  lifecycle = await installModelLifecycle(engine, { dataDir: options.dataDir, seedDemo: true });

  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ ok: true, topics: lifecycle!.handledTopics });
  });
  // the lifecycle API and the engine's Camunda REST API (tasks, signals, external tasks)
  app.use('/mlc', mlcRouter(lifecycle));
  app.use('/engine-rest', engine.router());
  return { app, engine, lifecycle, publishDir };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dataDir = process.env.DATA_DIR ?? './data/embedded';
  const { app, engine } = await createService({ dataDir });
  const port = Number(process.env.PORT ?? 3000);
  const server = app.listen(port, '127.0.0.1', () => {
    console.log(`service on http://127.0.0.1:${port}: POST /mlc/models/fraud-detector/versions/1/submit to watch the lifecycle`);
  });
  process.once('SIGINT', () => {
    server.close(() => void engine.close().then(() => process.exit(0)));
  });
}
