import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

/** A body is present when it is chunked or has a non-zero Content-Length (RFC 9112 §6.3). */
function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return typeof length === 'string' && length.trim() !== '' && length.trim() !== '0';
}

/**
 * A JSON route's body must be JSON (`application/json`, `application/*+json`). Anything else
 * would be skipped by the JSON parser and the route would run with an empty body, silently
 * dropping what was sent (`curl -d` sends form encoding); and `text/plain` is what a page on
 * another site can send without a CORS preflight. Refused with 415 and what to send instead.
 * (Upload routes check for multipart/form-data themselves.)
 */
export function requireJsonBody(routePath: string): RequestHandler {
  return (req, _res, next) => {
    if (!hasBody(req.headers) || req.is(['application/json', 'application/*+json'])) return next();
    const given = req.headers['content-type'];
    next(new HttpError(415, `Unsupported Content-Type ${given ? `'${String(given).slice(0, 100)}'` : '(none)'} for ${req.method} ${routePath}: send the body as application/json`));
  };
}
