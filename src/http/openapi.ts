import type { Route } from './routes/route.js';
import { ExceptionDto, type JsonSchema } from './schemas/common.js';
import { CAMUNDA_VERSION } from './routes/engine-info.js';

/**
 * The OpenAPI 3.1 document, generated from the same route table and ajv schemas the router
 * uses, so what is documented is exactly what is validated.
 */
export function openApiDocument(routes: Route[], options: { serverUrl?: string; version?: string } = {}) {
  const schemas: Record<string, JsonSchema> = { ExceptionDto };
  const paths: Record<string, Record<string, unknown>> = {};
  const ref = (schema: JsonSchema) => {
    if (!schema.title) return schema;
    schemas[schema.title] = schema;
    return { $ref: `#/components/schemas/${schema.title}` };
  };
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ExceptionDto' } } } });
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    for (const name of route.query ?? []) parameters.push({ name, in: 'query', required: false, schema: { type: 'string' } });
    const operation: Record<string, unknown> = {
      tags: [route.tag],
      summary: route.summary,
      operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters,
      responses: {
        [String(route.status ?? (route.method === 'get' || route.method === 'post' && !route.body ? 200 : 204))]: { description: 'Success' },
        400: error('Invalid request (bad JSON, wrong variable type, failed validation)'),
        401: error('Authentication required (when auth is enabled)'),
        404: error('Unknown id'),
      },
    };
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: ref(route.body) } } };
    if (route.multipart) {
      operation.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                'deployment-name': { type: 'string' },
                'deployment-source': { type: 'string' },
                'enable-duplicate-filtering': { type: 'boolean' },
                'deploy-changed-only': { type: 'boolean' },
                'tenant-id': { type: 'string' },
                'deployment-activation-time': { type: 'string', format: 'date-time' },
                data: { type: 'string', format: 'binary', description: 'Any other part is a resource named by its filename' },
              },
            },
          },
        },
      };
      (operation.responses as Record<string, unknown>)['413'] = error('Upload too large');
    }
    (paths[path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'mlc-engine REST API (Camunda 7 compatible)',
      version: options.version ?? CAMUNDA_VERSION,
      description: 'Camunda 7 REST subset: paths, bodies, typed variables and error bodies as in Camunda Platform 7.',
    },
    servers: [{ url: options.serverUrl ?? '/engine-rest' }],
    components: {
      schemas,
      securitySchemes: { basic: { type: 'http', scheme: 'basic' }, bearer: { type: 'http', scheme: 'bearer' } },
    },
    paths,
  };
}
