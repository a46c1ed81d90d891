// A project that installed the packed mlc-engine tarball: the engine, the model lifecycle, the
// server with its metrics, through the package's exports only. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, createServerApp, createEngineMetrics } from 'mlc-engine';
import { installModelLifecycle, mlcRouter, BUILTIN_TOPICS } from 'mlc-engine/mlc';
import { serve } from 'mlc-engine/server';

const dataDir = mkdtempSync(join(tmpdir(), 'mlc-consumer-'));
const out = {};
try {
  const engine = await Engine.open({ database: ':memory:' });
  const lifecycle = await installModelLifecycle(engine, { dataDir, seedDemo: false });
  out.handledTopics = [...lifecycle.handledTopics].sort();
  out.builtinTopics = [...BUILTIN_TOPICS].sort();
  const app = createServerApp(engine, { requestLogs: false, cockpit: true, mlc: mlcRouter(lifecycle), metrics: createEngineMetrics(engine, { lifecycle }) });
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  out.version = await (await fetch(`${url}/engine-rest/version`)).json();
  out.processes = (await (await fetch(`${url}/engine-rest/process-definition?sortBy=key&sortOrder=asc`)).json()).map((d) => d.key);
  out.models = (await (await fetch(`${url}/mlc/models`)).json());
  const metrics = await fetch(`${url}/metrics`);
  out.metricsStatus = metrics.status;
  out.metricsHasInstances = (await metrics.text()).includes('# TYPE mlc_process_instances_active gauge');
  const cockpit = await fetch(`${url}/`);
  out.cockpitStatus = cockpit.status;
  out.cockpitHtml = (await cockpit.text()).includes('<html');
  app.closeRest();
  await new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
  await lifecycle.close();
  await engine.close();

  // serve() as `mlc serve` runs it, on a file database, with no processes folder
  const running = await serve({ port: 0, db: join(dataDir, 'served.sqlite'), processes: join(dataDir, 'none'), seedDemo: false, env: { MLC_LOG_LEVEL: 'silent' } });
  out.ready = await (await fetch(`${running.url}/health/ready`)).json();
  await running.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
