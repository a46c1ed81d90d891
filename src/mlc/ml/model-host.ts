/**
 * The model process: one onnxruntime session in a child process of its own, driven over IPC by
 * ModelProcess (model-process.ts). onnxruntime-node's `session.run` is synchronous native code
 * on the JavaScript thread, so nothing inside a process (a timer, an AbortSignal, even
 * `worker.terminate()`) can stop a run that never ends; the parent kills this process instead.
 *
 *   → {id, op: 'load', bytes}                 ← {id, ok: true}
 *   → {id, op: 'run', input, output, data, n}  ← {id, ok: true, values}
 *   ← {id, ok: false, message}                 (any failure)
 *
 * It starts by sending {ready: true}, and exits when the parent disconnects.
 */
import { InferenceSession } from 'onnxruntime-node';
import { runMatrix } from './scoring.js';

export type HostRequest =
  | { id: number; op: 'load'; bytes: Uint8Array }
  | { id: number; op: 'run'; input: string; output: string; data: Float32Array; n: number };

export type HostReply = { ready: true } | { id: number; ok: true; values?: Float32Array } | { id: number; ok: false; message: string };

let session: InferenceSession | null = null;

async function handle(request: HostRequest): Promise<Float32Array | undefined> {
  switch (request.op) {
    case 'load':
      // one thread each: a model process uses one core, however hostile its graph
      session = await InferenceSession.create(request.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
      return undefined;
    case 'run':
      if (!session) throw new Error('no model is loaded in this model process');
      return runMatrix(session, request.input, request.output, request.data, request.n);
  }
}

const send = (reply: HostReply) => process.send!(reply);

process.on('message', (request: HostRequest) => {
  handle(request).then(
    (values) => send(values ? { id: request.id, ok: true, values } : { id: request.id, ok: true }),
    (error: unknown) => send({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
send({ ready: true });
