import { noContent } from '../respond.js';
import { checkBody } from '../validate.js';
import { SignalDto } from '../schemas/index.js';
import { fromCamundaVariables } from '../camunda-variables.js';
import { eventsApi } from './events-api.js';
import type { Route, RouteContext } from './route.js';
import { executionRef } from './execution.js';
import { signalOneExecution } from '../../runtime/commands/execution-commands.js';

export function signalRoutes(ctx: RouteContext): Route[] {
  return [
    {
      method: 'post', path: '/signal', tag: 'Signal', body: SignalDto, status: 204,
      summary: 'Broadcasts a signal: starts signal start events and triggers waiting signal catches',
      handler: async (req, res) => {
        const body = checkBody<{ name: string; executionId?: string | null; variables?: Record<string, unknown> | null; tenantId?: string | null }>(SignalDto, req.body);
        const variables = fromCamundaVariables(body.variables);
        if (typeof body.executionId === 'string') {
          // only the subscriptions of that execution receive it; nothing is started
          const ref = executionRef(ctx.engine, body.executionId);
          const payload = Object.keys(variables).length ? variables : undefined;
          await ctx.engine.submit((fx) => signalOneExecution(ctx.engine.core, ref, body.name, payload, fx));
          return noContent(res);
        }
        const broadcast = eventsApi(ctx.engine, 'broadcastSignal');
        await broadcast({ name: body.name, variables: Object.keys(variables).length ? variables : undefined, tenantId: body.tenantId ?? undefined });
        noContent(res);
      },
    },
  ];
}
