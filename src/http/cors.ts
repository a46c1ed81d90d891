import type { RequestHandler } from 'express';
import { corsOrigin, type OriginPolicy } from './origin-policy.js';

/**
 * CORS for trusted origins only (Camunda Modeler's `file://` and the operator's list): their
 * origin is echoed, never `*` and never with Allow-Credentials, so a page on another site can
 * neither read answers (variables of a no-auth server) nor pass a preflight. Preflights always
 * answer 204; for a stranger without any Allow-* header, which makes the browser refuse.
 */
export function cors(policy: OriginPolicy): RequestHandler {
  return (req, res, next) => {
    res.vary('Origin');
    const origin = corsOrigin(req, policy);
    if (origin !== null) res.setHeader('Access-Control-Allow-Origin', origin);
    if (req.method !== 'OPTIONS') return next();
    if (origin !== null) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
      // Authorization listed by name: `*` would not cover it
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}
