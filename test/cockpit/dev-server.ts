/**
 * `npx tsx test/cockpit/dev-server.ts [--mlc]`: the test server with some data, to look at the
 * pages by hand. `--mlc` also mounts the model registry at /mlc with its demo model.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCockpitServer } from './server.js';

const withRegistry = process.argv.includes('--mlc');
const server = await startCockpitServer({
  extra: withRegistry
    ? async (engine, app) => {
      const { installModelLifecycle } = await import('../../src/mlc/lifecycle.js');
      const { mlcRouter } = await import('../../src/mlc/http/router.js');
      const lc = await installModelLifecycle(engine, { dataDir: mkdtempSync(join(tmpdir(), 'mlc-cockpit-')), seedDemo: true });
      app.use('/mlc', mlcRouter(lc));
    }
    : undefined,
});
const { engine } = server;
for (let i = 0; i < 3; i++) await engine.start('CockpitModelApproval', { businessKey: `fraud-v${7 + i}` });
for (let i = 0; i < 2; i++) await engine.start('CockpitFlakyScoring', { businessKey: `batch-${i}` });
await engine.whenIdle();
console.log(server.url);
