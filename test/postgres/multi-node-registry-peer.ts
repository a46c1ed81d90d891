/**
 * An engine node's model registry store in a worker thread (booted by multi-node-peer-boot.mjs):
 * registers `count` versions of one model, each numbered and inserted in one transaction, with a
 * pause in between so two nodes' transactions overlap. Replies with the numbers it got and the
 * errors it met.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openPostgresDatabase } from '../../src/store/postgres/postgres-database.js';
import { RegistryStore } from '../../src/store/registry-store.js';

const { url, modelId, count, start } = workerData as { url: string; modelId: string; count: number; start: number };
const db = openPostgresDatabase(url);
const store = new RegistryStore(db);
const pause = new Int32Array(new SharedArrayBuffer(4));
const versions: number[] = [];
const errors: string[] = [];
while (Date.now() < start) { /* both nodes start together */ }
for (let i = 0; i < count; i++) {
  try {
    versions.push(store.transaction(() => {
      const version = store.nextVersionNumber(modelId);
      Atomics.wait(pause, 0, 0, 10);
      const now = Date.now();
      store.insertVersion({
        modelId, version, status: 'registered', artifact: `models/${modelId}/${version}.onnx`, sha256: 'x', size: 1,
        features: null, inputSchema: null, trainingData: null, hyperParameters: null, trainingMetrics: null,
        baseline: null, description: null, createdByInstance: null, createdAt: now, updatedAt: now,
      });
      return version;
    }));
  } catch (error) {
    errors.push(error instanceof Error ? error.message : String(error));
  }
}
db.close();
parentPort!.postMessage({ versions, errors });
