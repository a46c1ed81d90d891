/**
 * Camunda 8's message buffer, where subscriptions open: a message published with a time to live
 * that found no subscription waits in the store's message buffer; when a message subscription opens
 * with the same name and correlation key, the message is reserved and a continuation delivers it
 * in the next transaction (never inside the step that opened the subscription). The delivery
 * runner is in buffered-message-delivery.ts (it needs signals.ts, which needs this file's importer).
 */
import type { SubscriptionRecord } from '../../store/records.js';
import type { Step, ElementInstance } from '../step.js';

export const BUFFERED_MESSAGE_CONTINUATION = 'bufferedMessage';

/** Called where a message subscription opens: schedules delivery of a buffered match, if any. */
export function offerBufferedMessage(step: Step, holder: ElementInstance | null, subscription: SubscriptionRecord): void {
  if (subscription.kind !== 'message' || subscription.correlationKey === null) return;
  const message = step.services.store.bufferedMessages.oldestLive(subscription.name, subscription.correlationKey, step.now, (row) => step.changes.isBufferedMessageReserved(row));
  if (!message) return;
  step.changes.add({ kind: 'reserveBufferedMessage', row: message.row, subscriptionId: subscription.id });
  step.createJob('continuation', holder, subscription.elementId, step.now, { type: BUFFERED_MESSAGE_CONTINUATION, row: message.row, subscriptionId: subscription.id });
}
