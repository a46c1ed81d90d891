import { ok } from '../respond.js';
import { bodyOf, optVariables, requiredString, tenantIn, tenantOut, type V2Context, type V2Route } from './context.js';

/** Signals: a broadcast reaches every waiting signal subscription and starts every process with a matching signal start event. */
export function signalRoutes(ctx: V2Context): V2Route[] {
  return [{
    method: 'post',
    path: '/signals/broadcast', summary: 'Broadcast a signal',
    handler: async (req, res) => {
      const body = bodyOf(req);
      const tenantId = tenantIn(body.tenantId);
      await ctx.engine.broadcastSignal({ name: requiredString(body, 'signalName'), variables: optVariables(body), tenantId });
      ok(res, { tenantId: tenantOut(tenantId), signalKey: ctx.keys.mint() });
    },
  }];
}
