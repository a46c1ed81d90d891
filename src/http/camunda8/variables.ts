import { ok } from '../respond.js';
import { bodyOf, definitionLookup, tenantOut, type V2Context, type V2Route } from './context.js';
import { instancesOfFilter } from './element-instances.js';
import { search } from './search.js';

const FIELDS = ['variableKey', 'name', 'value', 'processInstanceKey', 'scopeKey', 'tenantId', 'isTruncated'] as const;

/**
 * Variables of running process instances, one row per scope (the process, or an element
 * instance with local variables); `value` is the JSON text of the value, as in Camunda 8.
 */
export function variableRoutes(ctx: V2Context): V2Route[] {
  return [{
    method: 'post',
    path: '/variables/search', summary: 'Search variables of running process instances',
    handler: (req, res) => {
      const body = bodyOf(req);
      const lookup = definitionLookup(ctx);
      const items = ctx.keys.batch(() => instancesOfFilter(ctx, body, FIELDS).filter((i) => i.state === 'active').flatMap((instance) => {
        const tenantId = tenantOut(lookup(instance.definitionId)?.tenantId);
        const instanceKey = ctx.keys.keyOf(instance.id);
        const scopes: Array<[string, Record<string, unknown>]> = [[instance.id, ctx.engine.queries.processVariables(instance.id)]];
        for (const ei of ctx.engine.queries.elementInstancesOf(instance.id)) scopes.push([ei.id, ctx.engine.queries.scopeVariables(ei.id)]);
        return scopes.flatMap(([scopeId, variables]) => Object.entries(variables).map(([name, value]) => ({
          variableKey: ctx.keys.keyOf(`variable:${scopeId}:${name}`),
          name,
          value: JSON.stringify(value ?? null),
          isTruncated: false,
          tenantId,
          processInstanceKey: instanceKey,
          scopeKey: ctx.keys.keyOf(scopeId),
        })));
      }));
      ok(res, search(items, body, FIELDS, FIELDS));
    },
  }];
}
