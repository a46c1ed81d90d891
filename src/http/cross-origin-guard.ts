import type { RequestHandler } from 'express';
import { sendJson } from './respond.js';
import { foreignOrigin, type OriginPolicy } from './origin-policy.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests (POST, PUT, PATCH, DELETE) that a browser sends on behalf of a
 * page from another origin: a page cannot add credentials it does not have, but without this
 * check it could deploy with a multipart form, start with a `text/plain` body (neither needs a
 * preflight) or ride on Basic credentials the browser cached. Reads are left to CORS, which no
 * longer lets strangers see answers. Answers 403 with Camunda's error shape.
 */
export function refuseCrossOriginWrites(policy: OriginPolicy): RequestHandler {
  return (req, res, next) => {
    if (READS.has(req.method)) return next();
    const origin = foreignOrigin(req, policy);
    if (origin === null) return next();
    sendJson(res, 403, {
      type: 'CrossOriginRequestException',
      message: `Refused ${req.method} from the web page at origin ${origin}: pages from other origins may not change state here. ` +
        'If that origin is yours, add it with --allowed-origins (MLC_ALLOWED_ORIGINS).',
      code: null,
    });
  };
}
