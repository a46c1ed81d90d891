/** Helpers of the multi-node tests: a peer node in a worker thread, races started on both nodes at one moment. */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PeerOperation, PeerReply } from './multi-node-peer.js';

export interface Peer {
  id: string;
  /** runs the operations on the peer (all at once), starting at `at` when given */
  run(operations: PeerOperation[], at?: number): Promise<PeerReply[]>;
  close(): Promise<void>;
}

export async function startPeer(url: string, heartbeatInterval = 500): Promise<Peer> {
  const worker = new Worker(join(import.meta.dirname, 'multi-node-peer-boot.mjs'), {
    workerData: { url, heartbeatInterval, entry: pathToFileURL(join(import.meta.dirname, 'multi-node-peer.ts')).href },
    env: { ...process.env, MLC_LOG_LEVEL: 'silent' },
  });
  const waiting = new Map<number, (replies: PeerReply[]) => void>();
  let seq = 0;
  const id = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: { ready?: boolean; id?: string; seq?: number; replies?: PeerReply[] }) => {
      if (message.ready) return resolve(message.id!);
      waiting.get(message.seq!)?.(message.replies!);
      waiting.delete(message.seq!);
    });
  });
  return {
    id,
    run: (operations, at) => new Promise((resolve) => {
      const n = ++seq;
      waiting.set(n, resolve);
      worker.postMessage({ seq: n, at, operations });
    }),
    close: async () => {
      await new Promise<PeerReply[]>((resolve) => {
        const n = ++seq;
        waiting.set(n, resolve);
        worker.postMessage({ seq: n, operations: [{ op: 'close' }] });
      });
      await worker.terminate();
    },
  };
}

/** A moment shortly ahead, for both nodes to start a race at. */
export function soon(ms = 150): number {
  return Date.now() + ms;
}

/** Waits until `at` (epoch ms). */
export async function until(at: number): Promise<void> {
  const wait = at - Date.now();
  if (wait > 2) await new Promise((resolve) => setTimeout(resolve, wait - 2));
  while (Date.now() < at) { /* spin the last ms */ }
}

/** Polls `check` until it holds (bounded). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
