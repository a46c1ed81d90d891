import type { Request, Response } from 'express';
import type { Engine } from '../../runtime/engine.js';
import type { ExternalTaskService } from '../../runtime/external-tasks.js';
import type { JsonSchema } from '../schemas/common.js';

export type Method = 'get' | 'post' | 'put' | 'delete';

/** One REST operation: what express mounts and what the OpenAPI document lists. */
export interface Route {
  method: Method;
  /** express path, e.g. `/process-definition/:id/start` (ids with `:` match as they are) */
  path: string;
  summary: string;
  tag: string;
  /** the JSON body's schema (validated before the handler runs) */
  body?: JsonSchema;
  /** multipart/form-data upload */
  multipart?: boolean;
  /** documented query parameters */
  query?: string[];
  /** status and description of the success answer */
  status?: number;
  handler(req: Request, res: Response): Promise<void> | void;
}

export interface RouteContext {
  engine: Engine;
  externalTasks: ExternalTaskService;
  limits: { maxUploadBytes: number; maxFiles: number };
}

/** `http://host/engine-rest` as the client addressed us (for Camunda's `links`). */
export function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
}

/** The acting user for history rows: the authenticated user when auth is on. */
export function actor(res: Response): string | null {
  return typeof res.locals.userId === 'string' ? res.locals.userId : null;
}

/** Express 5 params are strings; this keeps handlers free of `as string`. */
export function param(req: Request, name: string): string {
  const value = (req.params as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join('/') : (value ?? '');
}
