/** `POST /condition`: evaluates the conditional start events of the deployed processes (Camunda 7's ConditionRestService). */
import { ok } from '../respond.js';
import { checkBody } from '../validate.js';
import { VariablesMap, type JsonSchema } from '../schemas/index.js';
import { fromCamundaVariables } from '../camunda-variables.js';
import { instanceDto } from '../dto.js';
import { actor, baseUrl, type Route, type RouteContext } from './route.js';

export const EvaluationConditionDto: JsonSchema = {
  title: 'EvaluationConditionDto',
  type: 'object',
  properties: {
    variables: VariablesMap,
    businessKey: { type: ['string', 'null'], maxLength: 255 },
    tenantId: { type: ['string', 'null'] },
    withoutTenantId: { type: ['boolean', 'null'] },
    processDefinitionId: { type: ['string', 'null'] },
  },
};

interface EvaluationConditionBody {
  variables?: Record<string, unknown> | null;
  businessKey?: string | null;
  tenantId?: string | null;
  withoutTenantId?: boolean | null;
  processDefinitionId?: string | null;
}

export function conditionRoutes(ctx: RouteContext): Route[] {
  return [
    {
      method: 'post', path: '/condition', tag: 'Condition', body: EvaluationConditionDto,
      summary: 'Evaluates the conditional start events and starts an instance at each one whose condition holds; answers the started instances',
      handler: async (req, res) => {
        const body = checkBody<EvaluationConditionBody>(EvaluationConditionDto, req.body ?? {});
        const instances = await ctx.engine.evaluateConditions({
          variables: fromCamundaVariables(body.variables),
          transientVariables: transientNames(body.variables),
          businessKey: body.businessKey ?? null,
          ...(typeof body.processDefinitionId === 'string' ? { processDefinitionId: body.processDefinitionId } : {}),
          tenantId: body.tenantId ?? null,
          withoutTenantId: body.withoutTenantId === true,
          actor: actor(res),
        });
        const base = baseUrl(req);
        // Camunda answers the instances as they were when started: `ended` is always false there
        ok(res, instances.map((instance) => ({ ...instanceDto(instance, base), links: [], ended: false })));
      },
    },
  ];
}

/** Variables sent with `valueInfo.transient: true`: the conditions see them, the instances do not keep them. */
function transientNames(variables: Record<string, unknown> | null | undefined): string[] {
  if (!variables) return [];
  return Object.entries(variables)
    .filter(([, typed]) => (typed as { valueInfo?: { transient?: unknown } } | null)?.valueInfo?.transient === true)
    .map(([name]) => name);
}
