/** Camunda 7's `/event-subscription`: the message and signal subscriptions waiting instances and start events hold. */
import type { Request } from 'express';
import type { SubscriptionRecord } from '../../store/records.js';
import { ExecutionQueries } from '../../store/execution-queries.js';
import { HttpError } from '../errors.js';
import { formatDate } from '../dates.js';
import { ok } from '../respond.js';
import { QueryParams } from '../query.js';
import type { Route, RouteContext } from './route.js';

/** Camunda's EventSubscriptionDto; a subscription of the instance's root scope belongs to the instance's execution. */
function eventSubscriptionDto(s: SubscriptionRecord) {
  return {
    id: s.id,
    eventType: s.kind,
    eventName: s.name,
    executionId: s.elementInstanceId ?? s.instanceId,
    processInstanceId: s.instanceId,
    activityId: s.elementId,
    createdDate: formatDate(s.createdAt),
    tenantId: s.tenantId,
  };
}

export function eventSubscriptionRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const queries = () => ExecutionQueries.for(engine.db);
  const query = (req: Request) => {
    const q = new QueryParams(req);
    const eventType = q.string('eventType');
    if (eventType !== undefined && eventType !== 'message' && eventType !== 'signal' && eventType !== 'compensate' && eventType !== 'conditional') {
      throw new HttpError(400, `Cannot set query parameter 'eventType' to value '${eventType.slice(0, 100)}': use message, signal, compensate or conditional`);
    }
    return {
      id: q.string('eventSubscriptionId'),
      eventName: q.string('eventName'),
      // compensation and conditional subscriptions do not exist here: such a filter matches nothing
      eventType: eventType as 'message' | 'signal' | undefined,
      executionId: q.string('executionId'),
      processInstanceId: q.string('processInstanceId'),
      activityId: q.string('activityId'),
      ...q.page(),
    };
  };
  const filters = ['eventSubscriptionId', 'eventName', 'eventType', 'executionId', 'processInstanceId', 'activityId', 'firstResult', 'maxResults'];
  return [
    {
      method: 'get', path: '/event-subscription', tag: 'Event Subscription', query: filters,
      summary: 'Message and signal subscriptions of waiting executions and start events',
      handler: (req, res) => ok(res, queries().eventSubscriptions(query(req)).map(eventSubscriptionDto)),
    },
    {
      method: 'get', path: '/event-subscription/count', tag: 'Event Subscription', query: filters, summary: 'Number of event subscriptions',
      handler: (req, res) => ok(res, { count: queries().countEventSubscriptions(query(req)) }),
    },
  ];
}
