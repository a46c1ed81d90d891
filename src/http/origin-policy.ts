import type { Request } from 'express';

/**
 * Which browser origins may change state on this server, besides the server's own.
 *
 * The facts the rule rests on (measured, see the README's Guarantees):
 * - Node clients (fetch/undici, got in camunda-external-task-client-js, @camunda8/sdk), curl and
 *   the CLI send no `Origin` and no `Sec-Fetch-Site` (Node's fetch sends only `Sec-Fetch-Mode`).
 * - The cockpit is same-origin: `Sec-Fetch-Site: same-origin`, `Origin` equal to the `Host`.
 * - Camunda Modeler (Camunda 7 deploy and start) runs `fetch` in an Electron renderer loaded from
 *   `file://`, whose requests carry `Origin: file://`. No web page can send that origin.
 * - A page on another site always sends its `Origin` on a POST/PUT/DELETE (and `Sec-Fetch-Site:
 *   cross-site`/`same-site`); a sandboxed iframe or a `data:` page sends `Origin: null`, which is
 *   why `null` is not trusted unless the operator lists it.
 */
export interface OriginPolicy {
  /** exact origins (`scheme://host[:port]`, or `file://`, or `null`), lower case, no trailing slash */
  readonly trusted: ReadonlySet<string>;
}

/** Camunda Modeler's renderer origin: trusted by default so its Deploy and Start buttons keep working. */
export const MODELER_ORIGIN = 'file://';

export class OriginConfigError extends Error {}

/** `https://Example.com:8443/` → `https://example.com:8443`; `file://` and `null` stay as they are. */
export function normalizeOrigin(origin: string): string {
  const trimmed = origin.trim().toLowerCase();
  if (trimmed === 'null' || trimmed === 'file://') return trimmed;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new OriginConfigError(`'${origin}' is not an origin: write scheme://host[:port], e.g. http://localhost:3000`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new OriginConfigError(`'${origin}' is not an origin: give only scheme://host[:port], without a path`);
  }
  return url.origin;
}

/** The policy for a list of extra origins (from `--allowed-origins` / MLC_ALLOWED_ORIGINS); the Modeler's is always in. */
export function originPolicy(extra: readonly string[] = []): OriginPolicy {
  return { trusted: new Set([MODELER_ORIGIN, ...extra.map(normalizeOrigin)]) };
}

/** `a, b ,c` → `['a','b','c']` (empty entries dropped). */
export function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** True when `origin` names the host the request was sent to (the scheme is not compared: a TLS proxy in front changes it). */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

/** The origin this request came from when it is a browser request from elsewhere that the policy does not trust; else null. */
export function foreignOrigin(req: Request, policy: OriginPolicy): string | null {
  const origin = header(req, 'origin');
  const site = header(req, 'sec-fetch-site')?.toLowerCase();
  if (origin === undefined) {
    // no Origin: a non-browser client (Node, curl, CLI), or a user navigation (`none`)
    return site === 'cross-site' || site === 'same-site' ? `(unknown ${site} origin)` : null;
  }
  if (site === 'same-origin') return null;
  const normalized = origin.trim().toLowerCase();
  if (policy.trusted.has(normalized)) return null;
  if (normalized !== 'null' && isOwnOrigin(normalized, header(req, 'host'))) return null;
  return origin.slice(0, 200);
}

/** The origin to echo in `Access-Control-Allow-Origin`: only a trusted one (never `*`, never a stranger's). */
export function corsOrigin(req: Request, policy: OriginPolicy): string | null {
  const origin = header(req, 'origin');
  if (origin === undefined) return null;
  const normalized = origin.trim().toLowerCase();
  return policy.trusted.has(normalized) ? origin : null;
}
