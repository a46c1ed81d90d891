/**
 * Camunda 7's `/event-subscription`: the message, signal and conditional subscriptions waiting
 * instances and start events hold, and the compensate subscriptions of completed activities that
 * can still be compensated.
 */
import type { Request } from 'express';
import type { EventSubscriptionRow, EventSubscriptionType } from '../../store/execution-queries.js';
import { HttpError } from '../errors.js';
import { formatDate } from '../dates.js';
import { ok } from '../respond.js';
import { QueryParams } from '../query.js';
import type { Route, RouteContext } from './route.js';

/** Camunda's EventSubscriptionDto; a subscription of the instance's root scope belongs to the instance's execution. */
function eventSubscriptionDto(s: EventSubscriptionRow) {
  return {
    id: s.id,
    eventType: s.eventType,
    eventName: s.eventName,
    executionId: s.executionId,
    processInstanceId: s.instanceId,
    activityId: s.activityId,
    createdDate: formatDate(s.createdAt),
    tenantId: s.tenantId,
  };
}

export function eventSubscriptionRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const queries = () => engine.queries.execution;
  const query = (req: Request) => {
    const q = new QueryParams(req);
    const eventType = q.string('eventType');
    if (eventType !== undefined && eventType !== 'message' && eventType !== 'signal' && eventType !== 'compensate' && eventType !== 'conditional') {
      throw new HttpError(400, `Cannot set query parameter 'eventType' to value '${eventType.slice(0, 100)}': use message, signal, compensate or conditional`);
    }
    return {
      id: q.string('eventSubscriptionId'),
      eventName: q.string('eventName'),
      eventType: eventType as EventSubscriptionType | undefined,
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
      summary: 'Message, signal and conditional subscriptions of waiting executions and start events; compensate subscriptions of completed activities',
      handler: (req, res) => ok(res, queries().eventSubscriptions(query(req)).map(eventSubscriptionDto)),
    },
    {
      method: 'get', path: '/event-subscription/count', tag: 'Event Subscription', query: filters, summary: 'Number of event subscriptions',
      handler: (req, res) => ok(res, { count: queries().countEventSubscriptions(query(req)) }),
    },
  ];
}
