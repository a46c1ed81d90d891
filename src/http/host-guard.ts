import type { RequestHandler } from 'express';
import { sendJson } from './respond.js';

/** The names a loopback server always answers to. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** `LocalHost:8080` → `localhost`, `[::1]:80` → `[::1]`, `::1` → `[::1]`; null when it is not a host name. */
export function hostName(host: string): string | null {
  const trimmed = host.trim().toLowerCase();
  if (trimmed === '') return null;
  if (!trimmed.startsWith('[') && trimmed.split(':').length > 2) return `[${trimmed}]`; // a bare IPv6 address
  try {
    return new URL(`http://${trimmed}`).hostname;
  } catch {
    return null;
  }
}

/**
 * Answers only requests whose `Host` names this server. A no-auth server on loopback is otherwise
 * open to DNS rebinding: a page at `http://evil.example:8080` whose name is re-pointed to
 * 127.0.0.1 is, to the browser, same-origin with the engine, so neither CORS nor the Origin
 * check stops it; only the `Host` header (`evil.example:8080`) gives it away. Other names get
 * 421 Misdirected Request with what to configure. A request without `Host` (HTTP/1.0) is not a
 * browser's and passes.
 */
export function hostGuard(allowed: readonly string[]): RequestHandler {
  const names = new Set([...LOOPBACK_HOSTS, ...allowed].map((h) => hostName(h)).filter((h): h is string => h !== null));
  const shown = [...names].join(', ');
  return (req, res, next) => {
    const host = req.headers.host;
    if (host === undefined) return next();
    const name = hostName(host);
    if (name !== null && names.has(name)) return next();
    sendJson(res, 421, {
      type: 'MisdirectedRequestException',
      message: `This server does not answer to the host name '${host.slice(0, 100)}': without authentication it answers only to ${shown}. ` +
        'Add the name with --allowed-hosts (MLC_ALLOWED_HOSTS), or turn on authentication.',
      code: null,
    });
  };
}
