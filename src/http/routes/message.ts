import { toErrorResponse, HttpError } from '../errors.js';
import { ok, noContent } from '../respond.js';
import { checkBody } from '../validate.js';
import { CorrelationMessageDto } from '../schemas/index.js';
import { fromCamundaVariables, toCamundaVariables } from '../camunda-variables.js';
import { instanceDto } from '../dto.js';
import { eventsApi } from './events-api.js';
import { SynchronousFailure } from '../../runtime/synchronous-failure.js';
import { asProcessEngineException } from '../camunda7-failure.js';
import { baseUrl, type Route, type RouteContext } from './route.js';

interface MessageBody {
  messageName: string;
  businessKey?: string | null;
  correlationKeys?: Record<string, unknown> | null;
  localCorrelationKeys?: Record<string, unknown> | null;
  processInstanceId?: string | null;
  processVariables?: Record<string, unknown> | null;
  processVariablesLocal?: Record<string, unknown> | null;
  tenantId?: string | null;
  all?: boolean | null;
  resultEnabled?: boolean | null;
  variablesInResultEnabled?: boolean | null;
}

export function messageRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  return [
    {
      method: 'post', path: '/message', tag: 'Message', body: CorrelationMessageDto,
      summary: 'Correlates a message to waiting instances or message start events (204, or 200 with results when resultEnabled)',
      handler: async (req, res) => {
        const body = checkBody<MessageBody>(CorrelationMessageDto, req.body);
        const correlate = eventsApi(engine, 'correlateMessage');
        const correlationKeys = fromCamundaVariables(body.correlationKeys);
        // local keys compare the waiting execution's own variables, not the process's
        const localCorrelationKeys = fromCamundaVariables(body.localCorrelationKeys);
        const variables = { ...fromCamundaVariables(body.processVariablesLocal), ...fromCamundaVariables(body.processVariables) };
        let results;
        try {
          results = await correlate({
            messageName: body.messageName,
            businessKey: body.businessKey ?? undefined,
            correlationKeys: Object.keys(correlationKeys).length ? correlationKeys : undefined,
            localCorrelationKeys: Object.keys(localCorrelationKeys).length ? localCorrelationKeys : undefined,
            processInstanceId: body.processInstanceId ?? undefined,
            variables: Object.keys(variables).length ? variables : undefined,
            all: body.all ?? false,
            tenantId: body.tenantId ?? undefined,
          }, { rollbackOnFailure: true });
        } catch (error) {
          if (error instanceof SynchronousFailure) throw asProcessEngineException(error);
          const { status, body: err, unexpected } = toErrorResponse(error);
          if (unexpected) throw error;
          // Camunda answers a message nobody waits for with 400 RestException "Cannot correlate message …"
          const mismatch = /Mismatching/i.test(err.type) || (error instanceof Error && /Mismatching/i.test(error.name));
          const message = err.message.startsWith('Cannot correlate message') ? err.message : `Cannot correlate message '${body.messageName}': ${err.message}`;
          throw new HttpError(mismatch ? 400 : status, message, mismatch ? 'RestException' : err.type);
        }
        if (!body.resultEnabled) return noContent(res);
        const base = baseUrl(req);
        ok(res, results.map((r) => {
          const instance = engine.core.runtime.getInstance(r.processInstanceId);
          const variables = body.variablesInResultEnabled && instance?.state === 'active' ? toCamundaVariables(engine.queries.processVariables(instance.id)) : null;
          if (r.resultType === 'ProcessDefinition') {
            return { resultType: r.resultType, execution: null, processInstance: instance ? instanceDto(instance, base) : { id: r.processInstanceId, definitionId: r.definitionId ?? null }, variables };
          }
          return { resultType: r.resultType, execution: { id: r.processInstanceId, processInstanceId: r.processInstanceId, ended: instance ? instance.state !== 'active' : false, tenantId: null }, processInstance: null, variables };
        }));
      },
    },
  ];
}
