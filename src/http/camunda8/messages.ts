import { BadRequestError, ConflictError, EngineError, NotFoundError } from '../../runtime/errors.js';
import { checkVariables } from '../../runtime/variables.js';
import { correlateMessage } from '../../runtime/events/index.js';
import { ok } from '../respond.js';
import { bodyOf, optInteger, optString, optVariables, requiredString, tenantIn, tenantOut, type V2Context, type V2Route } from './context.js';

const isNoMatch = (error: unknown) => error instanceof EngineError && error.type === 'MismatchingMessageCorrelationException';

/**
 * Messages. Publication correlates at once to every waiting subscription with the name and
 * correlation key (and message start events); when nothing waits and `timeToLive` > 0 the
 * message is buffered, and a subscription opened within its time to live receives it (once).
 * Correlation needs a subscription now and answers the instance it reached.
 */
export function messageRoutes(ctx: V2Context): V2Route[] {
  return [
    {
      method: 'post',
      path: '/messages/publication', summary: 'Publish a message (buffered for timeToLive when nothing waits)',
      handler: async (req, res) => {
        const body = bodyOf(req);
        const name = requiredString(body, 'name');
        const correlationKey = optString(body, 'correlationKey') ?? '';
        const ttl = optInteger(body, 'timeToLive', 0) ?? 0;
        const messageId = optString(body, 'messageId') || null;
        const variables = checkVariables(optVariables(body) ?? {});
        const tenantId = tenantIn(body.tenantId);
        const messageKey = ctx.keys.mint();
        // one command: the duplicate check, the correlation and the buffering see one state, so a
        // subscription opening meanwhile (on this or another engine node) cannot fall between them
        await ctx.engine.submit((effects) => {
          const { core } = ctx.engine;
          const now = ctx.engine.clock.now();
          if (messageId !== null && core.runtime.bufferedMessages.withMessageId(name, messageId, now)) {
            throw new ConflictError(`A message named '${name}' with messageId '${messageId}' was already published and is still buffered`);
          }
          try {
            correlateMessage(core, { messageName: name, correlationKeys: { correlationKey }, variables, all: true, tenantId }, effects);
          } catch (error) {
            if (!isNoMatch(error)) throw error;
            if (ttl > 0) {
              const message = { messageKey, name, correlationKey, variables: JSON.stringify(variables), tenantId, messageId, expiresAt: now + ttl };
              core.changes.add({ kind: 'insertBufferedMessage', message, now });
            }
          }
        });
        ok(res, { tenantId: tenantOut(tenantId), messageKey });
      },
    },
    {
      method: 'post',
      path: '/messages/correlation', summary: 'Correlate a message to a waiting subscription or start event',
      handler: async (req, res) => {
        const body = bodyOf(req);
        const name = requiredString(body, 'name');
        const correlationKey = optString(body, 'correlationKey') ?? '';
        const tenantId = tenantIn(body.tenantId);
        let results;
        try {
          results = await ctx.engine.correlateMessage({ messageName: name, correlationKeys: { correlationKey }, variables: optVariables(body), tenantId });
        } catch (error) {
          // Zeebe: no subscription and no start event is a 404
          if (isNoMatch(error) && /no process definition or execution matches/.test((error as Error).message)) throw new NotFoundError((error as Error).message);
          if (isNoMatch(error)) throw new BadRequestError((error as Error).message);
          throw error;
        }
        const first = results[0];
        ok(res, { tenantId: tenantOut(tenantId), messageKey: ctx.keys.mint(), processInstanceKey: first ? ctx.keys.keyOf(first.processInstanceId) : null });
      },
    },
  ];
}
