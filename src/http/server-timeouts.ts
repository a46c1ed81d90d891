import { createServer, type RequestListener, type Server } from 'node:http';

/** How long a client may take to send a whole request, and its headers. */
export interface ServerTimeouts {
  /** the whole request, headers and body (default 5 min: a 64 MB model upload at 256 KB/s) */
  requestTimeoutMs: number;
  /** the headers alone (default 30 s: slow-header clients hold sockets) */
  headersTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = { requestTimeoutMs: 300_000, headersTimeoutMs: 30_000 };
const MAX_TIMEOUT_MS = 3_600_000;

/**
 * Sane timeouts from what was asked: Node reads `0` as "never", which lets a client that sends
 * half a body hold its socket (and the upload's memory) forever, so 0, negative and non-numbers
 * get the default and a note in `warnings`; values above an hour are capped. The headers timeout
 * never exceeds the request timeout (Node requires it). These bound only the *receiving* of a
 * request: a long poll (fetchAndLock) whose request has arrived may wait for its answer longer.
 */
export function resolveServerTimeouts(asked: Partial<ServerTimeouts> = {}): { timeouts: ServerTimeouts; warnings: string[] } {
  const warnings: string[] = [];
  const pick = (name: keyof ServerTimeouts): number => {
    const value = asked[name];
    if (value === undefined) return DEFAULT_TIMEOUTS[name];
    if (!Number.isFinite(value) || value <= 0) {
      warnings.push(`${name} ${String(value)} would let a client hold a connection forever; using ${DEFAULT_TIMEOUTS[name]} ms`);
      return DEFAULT_TIMEOUTS[name];
    }
    if (value > MAX_TIMEOUT_MS) {
      warnings.push(`${name} ${value} ms is above the cap; using ${MAX_TIMEOUT_MS} ms`);
      return MAX_TIMEOUT_MS;
    }
    return Math.floor(value);
  };
  const requestTimeoutMs = pick('requestTimeoutMs');
  const headersTimeoutMs = Math.min(pick('headersTimeoutMs'), requestTimeoutMs);
  return { timeouts: { requestTimeoutMs, headersTimeoutMs }, warnings };
}

/**
 * An HTTP server for `app` with these timeouts. Node checks them on a sweep every
 * `connectionsCheckingInterval` (default 30 s); it is set to a quarter of the shorter timeout so
 * a stalled request is closed (408) within about 1.25× its timeout.
 */
export function createHttpServer(app: RequestListener, timeouts: ServerTimeouts): Server {
  const interval = Math.min(30_000, Math.max(100, Math.floor(Math.min(timeouts.requestTimeoutMs, timeouts.headersTimeoutMs) / 4)));
  return createServer({ requestTimeout: timeouts.requestTimeoutMs, headersTimeout: timeouts.headersTimeoutMs, connectionsCheckingInterval: interval }, app);
}
