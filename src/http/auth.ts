import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { sendJson } from './respond.js';
import { identityOf, type IdentityService } from '../identity/identity-service.js';
import { AuthorizationTableError, DEFAULT_TABLE, OPEN_TABLE, parseAuthorizationTable, type AuthorizationTable } from '../identity/authorizations.js';

export type AuthMode = 'none' | 'basic' | 'bearer';

export interface AuthConfig {
  mode: AuthMode;
  /** basic: username → password */
  users?: Record<string, string>;
  /** bearer: accepted tokens */
  tokens?: string[];
  /** bearer: tokens that act as a user (token → user id); other tokens act as no user, as before identities */
  tokenUsers?: Record<string, string>;
  /**
   * enforce task authorization, the authorization table and four-eyes. Default: on whenever the
   * mode is basic or bearer (signed-in users are who the checks are about); off with `none`
   * (loopback dev mode, there is nobody to check). `MLC_AUTHORIZATION=false` turns it off.
   */
  authorization?: { enabled: boolean; table?: AuthorizationTable };
  /** realm in WWW-Authenticate (default mlc-engine) */
  realm?: string;
}

/** The shape of an `--auth-file`: `{"users": {"alice": "secret"} | [{"username", "password"}], "tokens": ["t1"]}`. */
export interface AuthFile {
  users?: Record<string, string> | Array<{ username: string; password: string }>;
  tokens?: Array<string | { token: string; userId: string }>;
  /** `{"enabled": true, "table": {"deploy": ["deployers"], "approve": ["fraud-risk-officers"]}}` */
  authorization?: { enabled?: boolean; table?: unknown };
}

export class AuthConfigError extends Error {}

/** `MLC_AUTHORIZATION`: true or false; anything else is refused rather than read as either. */
function parseSwitch(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new AuthConfigError(`MLC_AUTHORIZATION must be true or false, not '${value}'`);
}

export function parseAuthMode(value: string | undefined): AuthMode {
  const mode = (value ?? 'none').trim().toLowerCase();
  if (mode === 'none' || mode === 'basic' || mode === 'bearer') return mode;
  throw new AuthConfigError(`Unknown auth mode '${value}': use none, basic or bearer`);
}

/**
 * Users and tokens from a JSON file and/or the environment (`MLC_AUTH_USERS="alice:secret,bob:pw"`,
 * `MLC_AUTH_TOKENS="t1,t2"`, `MLC_AUTHORIZATION=true`). An enabled mode without any credential is
 * refused, unless `storedCredentials` says users stored in the database may sign in instead
 * (the server then checks that some exist).
 */
export function loadAuthConfig(options: { mode: AuthMode; file?: string; env?: NodeJS.ProcessEnv; storedCredentials?: boolean }): AuthConfig {
  const env = options.env ?? process.env;
  const users: Record<string, string> = Object.create(null);
  const tokens: string[] = [];
  const tokenUsers: Record<string, string> = Object.create(null);
  let authorization: { enabled?: boolean; table?: unknown } = {};
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
    if (Array.isArray(parsed.tokens)) {
      for (const t of parsed.tokens) {
        if (typeof t === 'string' && t) tokens.push(t);
        else if (t && typeof t === 'object' && typeof t.token === 'string' && t.token && typeof t.userId === 'string' && t.userId) {
          tokens.push(t.token);
          tokenUsers[t.token] = t.userId;
        } else throw new AuthConfigError(`Auth file '${options.file}': a token is a string or {"token", "userId"}`);
      }
    }
    if (parsed.authorization !== undefined) authorization = parsed.authorization ?? {};
  }
  for (const pair of (env.MLC_AUTH_USERS ?? '').split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) users[pair.slice(0, colon).trim()] = pair.slice(colon + 1);
  }
  for (const t of (env.MLC_AUTH_TOKENS ?? '').split(',')) if (t.trim()) tokens.push(t.trim());
  const fromEnv = env.MLC_AUTHORIZATION !== undefined && env.MLC_AUTHORIZATION !== '' ? parseSwitch(env.MLC_AUTHORIZATION) : undefined;
  const enabled = fromEnv ?? (typeof authorization.enabled === 'boolean' ? authorization.enabled : options.mode !== 'none');
  let table: AuthorizationTable;
  try {
    table = parseAuthorizationTable(authorization.table);
  } catch (error) {
    if (error instanceof AuthorizationTableError) throw new AuthConfigError(error.message);
    throw error;
  }
  const config: AuthConfig = { mode: options.mode, users, tokens, tokenUsers, authorization: { enabled, table } };
  if (options.storedCredentials) return config;
  if (options.mode === 'basic' && Object.keys(users).length === 0) {
    throw new AuthConfigError('Basic auth needs at least one user: set MLC_AUTH_USERS="name:password" or give --auth-file with {"users": {...}}');
  }
  if (options.mode === 'bearer' && tokens.length === 0) {
    throw new AuthConfigError('Bearer auth needs at least one token: set MLC_AUTH_TOKENS="token" or give --auth-file with {"tokens": [...]}');
  }
  return config;
}

/**
 * The engine's identity service set up for a server: configured users and token owners get a
 * stored profile (so they can join groups), authorization is switched as configured, and an
 * enabled mode needs some credential, configured or stored.
 */
export function configureIdentity(engine: Parameters<typeof identityOf>[0], config: AuthConfig): IdentityService {
  const identity = identityOf(engine);
  if (config.mode === 'none') {
    identity.authorization = { enabled: false, table: OPEN_TABLE };
    return identity;
  }
  identity.seedUsers([...Object.keys(config.users ?? {}), ...Object.values(config.tokenUsers ?? {})]);
  // with sign-in on, authorization is on unless the configuration says otherwise
  identity.authorization = { enabled: config.authorization?.enabled ?? true, table: config.authorization?.table ?? DEFAULT_TABLE };
  const configured = config.mode === 'basic' ? Object.keys(config.users ?? {}).length : (config.tokens ?? []).length;
  if (configured === 0 && !identity.hasCredentials()) {
    throw new AuthConfigError(config.mode === 'basic'
      ? 'Basic auth needs at least one user: set MLC_AUTH_USERS="name:password", give --auth-file, or add one with `mlc user add`'
      : 'Bearer auth needs at least one token: set MLC_AUTH_TOKENS="token", give --auth-file, or create one with `mlc user token`');
  }
  return identity;
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
 * Credentials are the configured ones (MLC_AUTH_USERS, MLC_AUTH_TOKENS, an auth file) and the
 * users and tokens stored in `identity`. The authenticated user is left in `res.locals.userId`
 * (a token that belongs to no user leaves none).
 */
export function authMiddleware(config: AuthConfig, identity?: IdentityService): RequestHandler {
  if (config.mode === 'none') return (_req, _res, next) => next();
  const realm = config.realm ?? 'mlc-engine';
  const scheme = config.mode === 'basic' ? 'Basic' : 'Bearer';
  const userDigests = Object.entries(config.users ?? {}).map(([name, password]) => sha256(`${name}:${password}`));
  const tokenDigests = (config.tokens ?? []).map(sha256);
  const reject = (res: Parameters<RequestHandler>[1], message: string) => {
    res.setHeader('WWW-Authenticate', `${scheme} realm="${realm}"`);
    sendJson(res, 401, { type: 'AuthenticationException', message, code: null });
  };
  const tokenUsers = new Map(Object.entries(config.tokenUsers ?? {}).map(([token, user]) => [sha256(token).toString('hex'), user]));
  const check = async (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1], next: Parameters<RequestHandler>[2]) => {
    if (req.method === 'OPTIONS') return next();
    const header = req.headers.authorization;
    if (typeof header !== 'string' || header.trim() === '' || header.trim() === 'undefined') {
      return reject(res, `Authentication required: send an Authorization: ${scheme} header`);
    }
    const [given, ...rest] = header.trim().split(/\s+/);
    const credential = rest.join(' ');
    if (!given || given.toLowerCase() !== scheme.toLowerCase() || !credential) return reject(res, `Malformed Authorization header: expected ${scheme} credentials`);
    if (config.mode === 'bearer') {
      if (matchesAny(credential, tokenDigests)) {
        const bound = tokenUsers.get(sha256(credential).toString('hex'));
        if (bound !== undefined) res.locals.userId = bound;
        return next();
      }
      const stored = identity?.authenticateToken(credential) ?? null;
      if (stored === null) return reject(res, 'Invalid bearer token');
      res.locals.userId = stored;
      return next();
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credential)) return reject(res, 'Malformed Authorization header: Basic credentials must be base64');
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return reject(res, 'Malformed Authorization header: Basic credentials must be user:password');
    const name = decoded.slice(0, colon);
    if (!matchesAny(decoded, userDigests)) {
      const stored = identity ? await identity.authenticate(name, decoded.slice(colon + 1)) : null;
      if (stored === null) return reject(res, 'Invalid user name or password');
    }
    res.locals.userId = name;
    next();
  };
  return (req, res, next) => {
    check(req, res, next).catch(next);
  };
}
