/**
 * One PostgreSQL session answering synchronously: a worker thread (connection-worker.mjs) owns a
 * `pg.Client`; `request()` posts a message to it and blocks the calling thread in `Atomics.wait`
 * until the worker signals its reply, which is then taken off the port with
 * `receiveMessageOnPort` (no event-loop turn needed). Requests are answered in order.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** `begin` is only sent pipelined */
export type RequestMode = 'connect' | 'exec' | 'begin' | 'rollback' | 'run' | 'rows' | 'first' | 'arrays' | 'firstArray' | 'sync' | 'close';

export interface Request {
  mode: RequestMode;
  sql?: string;
  /** the prepared statement's name (PostgreSQL parses each named statement once per session) */
  name?: string;
  params?: unknown[];
  /** the caller believes a transaction is open: a lost session must then fail, never reconnect */
  inTransaction?: boolean;
  /** a pipelined write: no reply; its row count and error come back with the next reply */
  noReply?: boolean;
  /** a pipelined write's number, the key of its row count in `Reply.rowCounts` */
  id?: number;
}

export interface Reply {
  rowCount?: number;
  rows?: unknown[];
  /** columns (names, or indexes for array rows) holding bytea values */
  bytea?: (string | number)[];
  /** the session's transaction status after the request: I idle, T in a transaction, E failed */
  txStatus?: 'I' | 'T' | 'E';
  error?: PlainError;
  /** the row counts of the pipelined writes answered since the previous reply, by request id */
  rowCounts?: Record<number, number>;
}

interface PlainError {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  severity?: string;
  where?: string;
  position?: string;
}

/** An error from PostgreSQL (or the lost session), carrying the SQLSTATE `code`. */
export class PostgresError extends Error {
  code?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  column?: string;
  severity?: string;
  constructor(plain: PlainError) {
    super(plain.message);
    this.name = 'PostgresError';
    Object.assign(this, plain);
  }
}

export interface SessionSettings {
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  schema?: string;
  /** put writes inside transactions on the wire without waiting (pg's pipeline mode) */
  pipeline: boolean;
}

const WORKER_URL = new URL('./connection-worker.mjs', import.meta.url);
/** slot 0 counts replies; slot 1 is set when the worker thread exits */
const REPLIES = 0;
const EXITED = 1;

export class SyncConnection {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(8));
  private closed = false;

  constructor(url: string, settings: SessionSettings) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_URL, {
      workerData: { port: port2, signal: this.signal, url, session: settings },
      transferList: [port2],
    });
    // a crash shows as the exit flag in request(); without a listener the 'error' event would throw
    this.worker.on('error', () => undefined);
    // a forgotten close() must not keep the process alive
    this.worker.unref();
    this.port.unref();
    const reply = this.request({ mode: 'connect' }, settings.connectTimeoutMs + 5_000);
    if (reply.error) {
      this.terminate();
      const error = new PostgresError(reply.error);
      error.message = `Cannot connect to PostgreSQL: ${reply.error.message}`;
      throw error;
    }
  }

  /** Sends a request and waits for its reply; `timeoutMs` bounds the wait (connecting). */
  request(request: Request, timeoutMs = Infinity): Reply {
    if (this.closed) throw new Error('The PostgreSQL connection is closed');
    const seen = Atomics.load(this.signal, REPLIES);
    this.port.postMessage(request);
    if (request.noReply) return {};
    const deadline = timeoutMs === Infinity ? Infinity : Date.now() + timeoutMs;
    while (Atomics.load(this.signal, REPLIES) === seen) {
      if (Atomics.load(this.signal, EXITED) === 1) break; // the thread died before this request
      const left = deadline === Infinity ? 60_000 : deadline - Date.now();
      if (left <= 0) {
        this.terminate();
        throw new PostgresError({ message: `PostgreSQL did not answer within ${timeoutMs} ms`, code: '08001' });
      }
      Atomics.wait(this.signal, REPLIES, seen, left);
    }
    const message = receiveMessageOnPort(this.port);
    if (message === undefined) {
      const exited = Atomics.load(this.signal, EXITED) === 1;
      this.terminate();
      throw new PostgresError({ message: exited ? 'The PostgreSQL connection thread exited' : 'The PostgreSQL connection thread sent no reply', code: '08006' });
    }
    return message.message as Reply;
  }

  /** Ends the session and stops the thread. */
  close(): void {
    if (this.closed) return;
    try {
      this.request({ mode: 'close' }, 5_000);
    } catch {
      // the thread is stopped below either way
    }
    this.terminate();
  }

  private terminate(): void {
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}
