/** Delivers a buffered message reserved by offerBufferedMessage, once; gives it back when its subscription is gone. */
import type { JobRecord } from '../../store/records.js';
import type { EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import { deliverToSubscription } from './signals.js';

export function runBufferedMessageDelivery(core: EngineCore, _job: JobRecord, payload: { type: string }, effects: Effect[]): void {
  const { row, subscriptionId } = payload as unknown as { row: number; subscriptionId: string };
  const message = core.runtime.bufferedMessages.get(row);
  if (!message) return;
  const subscription = core.runtime.subscriptions.get(subscriptionId);
  const delivered = subscription !== undefined
    && deliverToSubscription(core, subscription, { kind: 'message', variables: JSON.parse(message.variables) as Record<string, unknown> }, effects);
  core.changes.add(delivered ? { kind: 'deleteBufferedMessage', row } : { kind: 'releaseBufferedMessage', row });
}
