import type { Request, Response } from 'express';
import type { Engine } from '../../runtime/engine.js';
import type { ExternalTaskService } from '../../runtime/external-tasks.js';
import { BadRequestError, NotFoundError } from '../../runtime/errors.js';
import type { Camunda8KeyStore } from '../../store/camunda8-key-store.js';
import type { DefinitionRecord } from '../../store/records.js';

/** What every v2 route file gets. */
export interface V2Context {
  engine: Engine;
  keys: Camunda8KeyStore;
  /** the same remote-worker queue the Camunda 7 external tasks use */
  externalTasks: ExternalTaskService;
  limits: { maxUploadBytes: number; maxFiles: number };
}

export type V2Handler = (req: Request, res: Response) => Promise<void> | void;

export interface V2Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  /** one line for the OpenAPI document */
  summary: string;
  handler: V2Handler;
}

/** Camunda 8's name for "no tenant"; we store no tenant as null. */
export const DEFAULT_TENANT = '<default>';

export const tenantOut = (tenantId: string | null | undefined): string => tenantId ?? DEFAULT_TENANT;

export function tenantIn(value: unknown): string | null {
  if (value === undefined || value === null || value === DEFAULT_TENANT) return null;
  if (typeof value !== 'string' || value === '') throw new BadRequestError('tenantId must be a non-empty string');
  return value;
}

/** The id behind a key from a path or body, or a 404 naming what was looked for. */
export function idOfKey(ctx: V2Context, key: unknown, what: string): string {
  const text = typeof key === 'number' && Number.isSafeInteger(key) ? String(key) : key;
  if (typeof text !== 'string' || !/^-?[0-9]+$/.test(text)) throw new BadRequestError(`${what} key must be a string of digits, got ${JSON.stringify(key)?.slice(0, 60)}`);
  const id = ctx.keys.idOf(text);
  if (id === undefined) throw new NotFoundError(`No ${what} with key '${text}'`);
  return id;
}

export const keyOrNull = (ctx: V2Context, id: string | null | undefined): string | null => (id ? ctx.keys.keyOf(id) : null);

export const isoDate = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The request body as an object (an empty body is `{}`). */
export function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0 && !Array.isArray(body))) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

export function optString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BadRequestError(`${name} must be a string`);
  return value;
}

export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = optString(body, name);
  if (value === undefined || value === '') throw new BadRequestError(`${name} is required`);
  return value;
}

export function optInteger(body: Record<string, unknown>, name: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new BadRequestError(`${name} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ''}`);
  return value;
}

export function optVariables(body: Record<string, unknown>, name = 'variables'): Record<string, unknown> | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new BadRequestError(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Cached definition lookups for one answer (many rows share few definitions). */
export function definitionLookup(ctx: V2Context): (id: string) => DefinitionRecord | undefined {
  const cache = new Map<string, DefinitionRecord | undefined>();
  return (id) => {
    if (!cache.has(id)) {
      let found: DefinitionRecord | undefined;
      try {
        found = ctx.engine.definition(id);
      } catch {
        found = undefined;
      }
      cache.set(id, found);
    }
    return cache.get(id);
  };
}
