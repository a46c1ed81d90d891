/** Delivers a buffered message reserved by offerBufferedMessage, once; gives it back when its subscription is gone. */
import { BufferedMessageStore } from '../../store/buffered-message-store.js';
import { SubscriptionStore } from '../../store/subscription-store.js';
import { registerContinuation } from './continuations.js';
import { deliverToSubscription } from './signals.js';
import { BUFFERED_MESSAGE_CONTINUATION } from './buffered-message-offer.js';

registerContinuation(BUFFERED_MESSAGE_CONTINUATION, (core, _job, payload, effects) => {
  const { row, subscriptionId } = payload as unknown as { row: number; subscriptionId: string };
  const buffer = BufferedMessageStore.for(core.db);
  const message = buffer.get(row);
  if (!message) return;
  const subscription = SubscriptionStore.for(core.db).get(subscriptionId);
  const delivered = subscription !== undefined
    && deliverToSubscription(core, subscription, { kind: 'message', variables: JSON.parse(message.variables) as Record<string, unknown> }, effects);
  if (delivered) buffer.remove(row);
  else buffer.release(row);
});
