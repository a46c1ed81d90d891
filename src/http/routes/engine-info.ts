import { ok } from '../respond.js';
import type { Route } from './route.js';

/** The Camunda version we speak: Camunda Modeler reads only `version` (telemetry). */
export const CAMUNDA_VERSION = '7.23.0';

export function engineInfoRoutes(): Route[] {
  return [
    { method: 'get', path: '/version', tag: 'Version', summary: 'The Camunda REST API version this server implements', handler: (_req, res) => ok(res, { version: CAMUNDA_VERSION }) },
    { method: 'get', path: '/engine', tag: 'Engine', summary: 'The process engines (always one, "default")', handler: (_req, res) => ok(res, [{ name: 'default' }]) },
  ];
}
