/** A real server for the cockpit tests: engine on SQLite, the REST API and the cockpit on one port. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Engine } from '../../src/index.js';
import { createServerApp } from '../../src/http/app.js';
import { authMiddleware, type AuthConfig } from '../../src/http/auth.js';
import { cockpitRouter } from '../../src/cockpit/index.js';

export const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

/** What the test handler of the approval process returns: the figures a reviewer sees on the model card. */
export const MODEL_CARD_VARIABLES = {
  modelId: 'fraud',
  modelVersion: 7,
  modelDetails: { id: 'fraud', name: 'Card fraud', type: 'classification', ownerGroup: 'risk', trainingMetrics: { accuracy: 0.91, auc: 0.95, f1: 0.83 } },
  deployedVersion: 6,
  changes: { summary: 'v7 replaces deployed v6; adds merchantRisk', featuresAdded: ['merchantRisk'], featuresRemoved: [], metricDeltas: { accuracy: 0.012 } },
  accuracy: 0.9,
  auc: 0.94,
  f1: 0.82,
  logLoss: 0.27,
  psi: { amount: 0.05, merchantCategory: 0.12, cardAge: 0.31, ficoScore: 0.02 },
  maxPsi: 0.31,
  latestTestResult: { metrics: { accuracy: 0.9, auc: 0.94 }, verdict: { passed: false, reasons: ['PSI of cardAge 0.310 above 0.2'], thresholds: { minAccuracy: 0.7, minAuc: 0.75, maxPsi: 0.2 } } },
};

export interface CockpitServer {
  engine: Engine;
  url: string;
  /** the flaky scoring handler fails while this is true */
  flaky: { failing: boolean };
  close(): Promise<void>;
}

export interface ServerOptions {
  auth?: AuthConfig;
  database?: string;
  deploy?: boolean;
  /** mounts more routes (e.g. the model registry at /mlc) before the REST API */
  extra?: (engine: Engine, app: express.Express) => Promise<void>;
}

export async function startCockpitServer(options: ServerOptions = {}): Promise<CockpitServer> {
  const engine = await Engine.open({ database: options.database ?? ':memory:', defaultRetries: 1, retryBackoff: { initial: 0, max: 0 } });
  const flaky = { failing: true };
  engine.handle('cockpit-test', async () => ({ variables: MODEL_CARD_VARIABLES }));
  engine.handle('cockpit-flaky', async () => {
    if (flaky.failing) throw new Error('scoring service unavailable: connection refused (10.0.0.7:8500)');
    return { variables: { rows: 1200 } };
  });
  if (options.deploy !== false) {
    await engine.deploy({
      name: 'cockpit-tests',
      resources: [
        { name: 'model-approval.bpmn', content: fixture('model-approval.bpmn') },
        { name: 'flaky-scoring.bpmn', content: fixture('flaky-scoring.bpmn') },
        { name: 'check-scores.form', content: fixture('check-scores.form') },
      ],
    });
  }
  const auth = options.auth ?? { mode: 'none' };
  const app = express();
  // the lead mounts it the same way inside createServerApp: same auth, at the root
  app.use(authMiddleware(auth), cockpitRouter({ engine }));
  await options.extra?.(engine, app);
  const rest = createServerApp(engine, { auth, requestLogs: false });
  app.use(rest);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    engine,
    flaky,
    url: `http://127.0.0.1:${port}`,
    async close() {
      rest.closeRest();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
}
