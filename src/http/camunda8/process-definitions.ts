import type { DefinitionRecord } from '../../store/records.js';
import { NotFoundError } from '../../runtime/errors.js';
import { ok } from '../respond.js';
import { param } from '../routes/route.js';
import { bodyOf, idOfKey, tenantOut, type V2Context, type V2Route } from './context.js';
import { search } from './search.js';

const SCAN_LIMIT = 10_000;
const FIELDS = ['processDefinitionKey', 'processDefinitionId', 'name', 'version', 'versionTag', 'resourceName', 'tenantId', 'hasStartForm'] as const;

/** Deployed process definitions (Camunda 8's bpmnProcessId is our definition key, its processDefinitionKey our definition id). */
export function processDefinitionRoutes(ctx: V2Context): V2Route[] {
  const definitionOf = (key: string): DefinitionRecord => ctx.engine.definition(idOfKey(ctx, key, 'process definition'));
  return [
    {
      method: 'post',
      path: '/process-definitions/search', summary: 'Search deployed process definitions',
      handler: (req, res) => {
        const items = ctx.keys.batch(() => ctx.engine.queries.definitions({ maxResults: SCAN_LIMIT }).map((d) => definitionItem(ctx, d)));
        ok(res, search(items, bodyOf(req), FIELDS, FIELDS));
      },
    },
    { method: 'get', path: '/process-definitions/:key', summary: 'Get a process definition', handler: (req, res) => ok(res, definitionItem(ctx, definitionOf(param(req, 'key')))) },
    {
      method: 'get',
      path: '/process-definitions/:key/xml', summary: 'The BPMN XML of a process definition',
      handler: (req, res) => {
        const definition = definitionOf(param(req, 'key'));
        const content = ctx.engine.core.repository.resourceByName(definition.deploymentId, definition.resourceName);
        if (!content) throw new NotFoundError(`The resource of process definition '${param(req, 'key')}' is gone`);
        res.status(200).type('text/xml').send(Buffer.from(content).toString('utf8'));
      },
    },
  ];
}

function definitionItem(ctx: V2Context, d: DefinitionRecord) {
  return {
    processDefinitionKey: ctx.keys.keyOf(d.id),
    processDefinitionId: d.key,
    name: d.name,
    version: d.version,
    versionTag: d.versionTag,
    resourceName: d.resourceName,
    tenantId: tenantOut(d.tenantId),
    hasStartForm: false,
  };
}
