/** Model versions registered on two engine nodes of one PostgreSQL database at once get distinct numbers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../../src/runtime/engine.js';
import { RegistryStore } from '../../src/store/registry-store.js';
import { postgresBinaries, startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster.js';

function registerOnPeer(url: string, modelId: string, count: number, start: number): Promise<{ versions: number[]; errors: string[] }> {
  const worker = new Worker(join(import.meta.dirname, 'multi-node-peer-boot.mjs'), {
    workerData: { url, modelId, count, start, entry: pathToFileURL(join(import.meta.dirname, 'multi-node-registry-peer.ts')).href },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (reply) => {
      void worker.terminate();
      resolve(reply);
    });
    worker.once('error', reject);
  });
}

describe.skipIf(!postgresBinaries())('model version numbers on several engine nodes', () => {
  let cluster: ThrowawayCluster;

  beforeAll(() => {
    cluster = startThrowawayCluster();
  });

  afterAll(() => {
    cluster?.stop();
  });

  it('two nodes registering versions of one model at once get distinct numbers, none refused', async () => {
    const url = `${cluster.url}?schema=registry`;
    const engine = await Engine.open({ database: url }); // creates the schema
    try {
      new RegistryStore(engine.db).insertModel({ id: 'churn', name: 'churn', type: 'classifier', ownerGroup: null, metadata: {}, createdAt: Date.now() });
      const start = Date.now() + 1500;
      const [a, b] = await Promise.all([registerOnPeer(url, 'churn', 15, start), registerOnPeer(url, 'churn', 15, start)]);
      expect([...a.errors, ...b.errors]).toEqual([]);
      const all = [...a.versions, ...b.versions].sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    } finally {
      await engine.close();
    }
  }, 60_000);
});
