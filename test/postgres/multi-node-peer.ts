/**
 * A second engine node for the multi-node tests, in a worker thread of the test process: its own
 * thread, so its transactions really overlap the test thread's node (two engines on one thread
 * take turns, each command being synchronous). The test sends operations with a start time; both
 * nodes start them at that moment.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from '../../src/runtime/engine.js';
import { ExternalTaskService, type FetchRequest } from '../../src/runtime/external-tasks.js';

export type PeerOperation =
  | { op: 'deploy'; name: string; xml: string; duplicateFiltering?: boolean }
  | { op: 'fetchAndLock'; request: FetchRequest }
  | { op: 'completeExternal'; id: string; workerId: string; variables?: Record<string, unknown> }
  | { op: 'completeTask'; id: string }
  | { op: 'correlate'; messageName: string; businessKey?: string }
  | { op: 'start'; key: string; variables?: Record<string, unknown>; businessKey?: string }
  | { op: 'stats' }
  | { op: 'close' };

export type PeerReply = { ok: true; value: unknown } | { ok: false; error: { name: string; type?: string; message: string } };

const { url, heartbeatInterval } = workerData as { url: string; heartbeatInterval: number };
const engine = await Engine.open({ database: url, heartbeatInterval });
const tasks = new ExternalTaskService(engine);

async function run(operation: PeerOperation): Promise<unknown> {
  switch (operation.op) {
    case 'deploy':
      return engine.deploy({ resources: [{ name: operation.name, content: operation.xml }], duplicateFiltering: operation.duplicateFiltering });
    case 'fetchAndLock':
      return (await tasks.fetchAndLock(operation.request)).map((t) => t.job.id);
    case 'completeExternal':
      return engine.completeExternalTask(operation.id, operation.workerId, operation.variables ?? {});
    case 'completeTask':
      return engine.completeTask(operation.id);
    case 'correlate':
      return (await engine.correlateMessage({ messageName: operation.messageName, businessKey: operation.businessKey })).length;
    case 'start':
      return (await engine.start(operation.key, { variables: operation.variables, businessKey: operation.businessKey })).id;
    case 'stats':
      return { conflictRetries: engine.conflictRetries, id: engine.id };
    case 'close':
      tasks.close();
      await engine.close();
      return null;
  }
}

/** Waits for `at` (epoch ms), the moment both nodes start. */
async function until(at: number | undefined): Promise<void> {
  if (at === undefined) return;
  const wait = at - Date.now();
  if (wait > 2) await new Promise((resolve) => setTimeout(resolve, wait - 2));
  while (Date.now() < at) { /* the last ms: spin, so both nodes start together */ }
}

parentPort!.on('message', (message: { seq: number; at?: number; operations: PeerOperation[] }) => {
  void until(message.at).then(() => Promise.all(message.operations.map((operation) => run(operation).then(
    (value): PeerReply => ({ ok: true, value }),
    (error: Error & { type?: string }): PeerReply => ({ ok: false, error: { name: error.name, type: error.type, message: error.message } }),
  )))).then((replies) => parentPort!.postMessage({ seq: message.seq, replies }));
});
parentPort!.postMessage({ ready: true, id: engine.id });
