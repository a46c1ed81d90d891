import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { sendJson } from './respond.js';

export type AuthMode = 'none' | 'basic' | 'bearer';

export interface AuthConfig {
  mode: AuthMode;
  /** basic: username → password */
  users?: Record<string, string>;
  /** bearer: accepted tokens */
  tokens?: string[];
  /** realm in WWW-Authenticate (default mlc-engine) */
  realm?: string;
}

/** The shape of an `--auth-file`: `{"users": {"alice": "secret"} | [{"username", "password"}], "tokens": ["t1"]}`. */
export interface AuthFile {
  users?: Record<string, string> | Array<{ username: string; password: string }>;
  tokens?: string[];
}

export class AuthConfigError extends Error {}

export function parseAuthMode(value: string | undefined): AuthMode {
  const mode = (value ?? 'none').trim().toLowerCase();
  if (mode === 'none' || mode === 'basic' || mode === 'bearer') return mode;
  throw new AuthConfigError(`Unknown auth mode '${value}': use none, basic or bearer`);
}

/**
 * Users and tokens from a JSON file and/or the environment (`MLC_AUTH_USERS="alice:secret,bob:pw"`,
 * `MLC_AUTH_TOKENS="t1,t2"`). An enabled mode without any credential is refused.
 */
export function loadAuthConfig(options: { mode: AuthMode; file?: string; env?: NodeJS.ProcessEnv }): AuthConfig {
  const env = options.env ?? process.env;
  const users: Record<string, string> = Object.create(null);
  const tokens: string[] = [];
  if (options.file) {
    let parsed: AuthFile;
    try {
      parsed = JSON.parse(readFileSync(options.file, 'utf8')) as AuthFile;
    } catch (error) {
      throw new AuthConfigError(`Cannot read auth file '${options.file}': ${error instanceof Error ? error.message : String(error)}`);
    }
    if (Array.isArray(parsed.users)) {
      for (const u of parsed.users) if (u && typeof u.username === 'string' && typeof u.password === 'string') users[u.username] = u.password;
    } else if (parsed.users && typeof parsed.users === 'object') {
      for (const [name, password] of Object.entries(parsed.users)) if (typeof password === 'string') users[name] = password;
    }
    if (Array.isArray(parsed.tokens)) for (const t of parsed.tokens) if (typeof t === 'string' && t) tokens.push(t);
  }
  for (const pair of (env.MLC_AUTH_USERS ?? '').split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) users[pair.slice(0, colon).trim()] = pair.slice(colon + 1);
  }
  for (const t of (env.MLC_AUTH_TOKENS ?? '').split(',')) if (t.trim()) tokens.push(t.trim());
  if (options.mode === 'basic' && Object.keys(users).length === 0) {
    throw new AuthConfigError('Basic auth needs at least one user: set MLC_AUTH_USERS="name:password" or give --auth-file with {"users": {...}}');
  }
  if (options.mode === 'bearer' && tokens.length === 0) {
    throw new AuthConfigError('Bearer auth needs at least one token: set MLC_AUTH_TOKENS="token" or give --auth-file with {"tokens": [...]}');
  }
  return { mode: options.mode, users, tokens };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Compares `candidate` with every secret in constant time per secret (no early exit, equal-length digests). */
function matchesAny(candidate: string, digests: Buffer[]): boolean {
  const probe = sha256(candidate);
  let found = false;
  for (const digest of digests) found = timingSafeEqual(probe, digest) || found;
  return found;
}

/**
 * The auth middleware. With `none` the Authorization header is ignored entirely (Camunda Modeler
 * sends the literal `authorization: undefined`). With basic or bearer every request needs valid
 * credentials; `undefined`, malformed and wrong ones get 401 with WWW-Authenticate.
 * The authenticated user name (basic) is left in `res.locals.userId`.
 */
export function authMiddleware(config: AuthConfig): RequestHandler {
  if (config.mode === 'none') return (_req, _res, next) => next();
  const realm = config.realm ?? 'mlc-engine';
  const scheme = config.mode === 'basic' ? 'Basic' : 'Bearer';
  const userDigests = Object.entries(config.users ?? {}).map(([name, password]) => sha256(`${name}:${password}`));
  const tokenDigests = (config.tokens ?? []).map(sha256);
  const reject = (res: Parameters<RequestHandler>[1], message: string) => {
    res.setHeader('WWW-Authenticate', `${scheme} realm="${realm}"`);
    sendJson(res, 401, { type: 'AuthenticationException', message, code: null });
  };
  return (req, res, next) => {
    if (req.method === 'OPTIONS') return next();
    const header = req.headers.authorization;
    if (typeof header !== 'string' || header.trim() === '' || header.trim() === 'undefined') {
      return reject(res, `Authentication required: send an Authorization: ${scheme} header`);
    }
    const [given, ...rest] = header.trim().split(/\s+/);
    const credential = rest.join(' ');
    if (!given || given.toLowerCase() !== scheme.toLowerCase() || !credential) return reject(res, `Malformed Authorization header: expected ${scheme} credentials`);
    if (config.mode === 'bearer') {
      if (!matchesAny(credential, tokenDigests)) return reject(res, 'Invalid bearer token');
      return next();
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credential)) return reject(res, 'Malformed Authorization header: Basic credentials must be base64');
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return reject(res, 'Malformed Authorization header: Basic credentials must be user:password');
    if (!matchesAny(decoded, userDigests)) return reject(res, 'Invalid user name or password');
    res.locals.userId = decoded.slice(0, colon);
    next();
  };
}
