import { noContent } from '../respond.js';
import { checkBody } from '../validate.js';
import { SignalDto } from '../schemas/index.js';
import { fromCamundaVariables } from '../camunda-variables.js';
import { eventsApi } from './events-api.js';
import type { Route, RouteContext } from './route.js';

export function signalRoutes(ctx: RouteContext): Route[] {
  return [
    {
      method: 'post', path: '/signal', tag: 'Signal', body: SignalDto, status: 204,
      summary: 'Broadcasts a signal: starts signal start events and triggers waiting signal catches',
      handler: async (req, res) => {
        const body = checkBody<{ name: string; variables?: Record<string, unknown> | null; tenantId?: string | null }>(SignalDto, req.body);
        const broadcast = eventsApi(ctx.engine, 'broadcastSignal');
        const variables = fromCamundaVariables(body.variables);
        await broadcast({ name: body.name, variables: Object.keys(variables).length ? variables : undefined, tenantId: body.tenantId ?? undefined });
        noContent(res);
      },
    },
  ];
}
