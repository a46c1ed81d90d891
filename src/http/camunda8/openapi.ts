import type { V2Route } from './context.js';
import { GATEWAY_VERSION } from './cluster.js';

const Problem = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance'],
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' } },
};

/**
 * An OpenAPI 3.1 index of the `/v2` operations this server answers, generated from the route
 * table (so it cannot list what is not served). Request and response shapes are Camunda's: see
 * the Orchestration Cluster API specification; this document names paths, methods and errors.
 */
export function camunda8OpenApi(routes: V2Route[], serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetail' } } } });
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[route.method] = {
      tags: [route.path.split('/')[1]],
      summary: route.summary,
      parameters: [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', pattern: '^-?[0-9]+$' } })),
      responses: {
        '2XX': { description: 'Success' },
        400: problem('Invalid request'),
        401: problem('Authentication required (when auth is enabled)'),
        404: problem('No such key'),
        409: problem('The entity is not in a state that allows this'),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'mlc-engine: Camunda 8 Orchestration Cluster API (subset)', version: GATEWAY_VERSION },
    servers: [{ url: serverUrl }],
    paths,
    components: { schemas: { ProblemDetail: Problem } },
  };
}
