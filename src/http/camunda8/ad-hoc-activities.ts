import { BadRequestError, NotFoundError } from '../../runtime/errors.js';
import { activateAdHocActivities, type AdHocActivationRequest } from '../../runtime/commands/ad-hoc-commands.js';
import { noContent } from '../respond.js';
import { bodyOf, idOfKey, optVariables, requiredString, type V2Context, type V2Route } from './context.js';

/** Ad-hoc sub-processes: start inner elements of a running one (Camunda 8.8's activation). */
export function adHocActivityRoutes(ctx: V2Context): V2Route[] {
  return [{
    method: 'post',
    path: '/element-instances/ad-hoc-activities/:adHocSubProcessInstanceKey/activation', summary: 'Activate activities within an ad-hoc sub-process',
    handler: async (req, res) => {
      const elementInstanceId = idOfKey(ctx, req.params.adHocSubProcessInstanceKey, 'ad-hoc sub-process instance');
      const request = activationOf(bodyOf(req));
      const record = ctx.engine.queries.elementInstance(elementInstanceId);
      if (!record) throw new NotFoundError(`No ad-hoc sub-process instance with key '${String(req.params.adHocSubProcessInstanceKey)}'`);
      await ctx.engine.submit((fx) => activateAdHocActivities(ctx.engine.core, { instanceId: record.instanceId, elementInstanceId }, request, fx));
      noContent(res);
    },
  }];
}

function activationOf(body: Record<string, unknown>): AdHocActivationRequest {
  const elements = body.elements;
  if (!Array.isArray(elements) || elements.length === 0) throw new BadRequestError('elements must be a non-empty list of { elementId, variables? }');
  const cancel = body.cancelRemainingInstances;
  if (cancel !== undefined && cancel !== null && typeof cancel !== 'boolean') throw new BadRequestError('cancelRemainingInstances must be a boolean');
  return {
    elements: elements.map((element: unknown, index) => {
      if (typeof element !== 'object' || element === null || Array.isArray(element)) throw new BadRequestError(`elements[${index}] must be an object`);
      const entry = element as Record<string, unknown>;
      const variables = optVariables(entry);
      return { elementId: requiredString(entry, 'elementId'), ...(variables ? { variables } : {}) };
    }),
    ...(cancel === true ? { cancelRemainingInstances: true } : {}),
  };
}
