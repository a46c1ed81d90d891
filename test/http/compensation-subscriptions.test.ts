/**
 * Camunda 7's `GET /event-subscription` lists a compensate subscription for every completed
 * activity that can still be compensated, over the real /engine-rest server: the compensable
 * activity as activityId, no event name, the scope it completed in as execution; compensation
 * thrown takes them away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deployFixture, startServer, type TestServer } from './helpers.js';

describe('compensate event subscriptions', () => {
  let t: TestServer;
  let id: string;

  beforeAll(async () => {
    t = await startServer();
    await deployFixture(t.base, 'compensation-throw.c7.bpmn');
    // only booking has a worker: the instance waits at Task_Charge with Task_Book compensable
    t.engine.handle('book', () => ({ variables: { bookingRef: 'b-1' } }));
    id = (await t.engine.start('CompensationThrowC7', { variables: { orderId: 'o1', price: 7, outcome: 'undo' } })).id;
    await t.engine.whenIdle();
  });
  afterAll(() => t.close());

  it('lists the completed compensable activity with eventType compensate', async () => {
    const res = await call(t.base, 'GET', `/event-subscription?processInstanceId=${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    const [subscription] = res.body as Array<Record<string, unknown>>;
    expect(subscription).toMatchObject({
      eventType: 'compensate', eventName: null, activityId: 'Task_Book', processInstanceId: id, executionId: id, tenantId: null,
    });
    expect(typeof subscription!.id).toBe('string');
    expect(Number.isNaN(Date.parse(subscription!.createdDate as string))).toBe(false);
    // Task_Charge has not completed: nothing to compensate there yet
    expect((await call(t.base, 'GET', `/event-subscription?processInstanceId=${id}&activityId=Task_Charge`)).body).toEqual([]);
  });

  it('filters by type, execution, activity and id, and counts the same way', async () => {
    const count = async (query: string) => ((await call(t.base, 'GET', `/event-subscription/count?${query}`)).body as { count: number }).count;
    expect(await count(`processInstanceId=${id}&eventType=compensate`)).toBe(1);
    expect(await count(`processInstanceId=${id}&eventType=message`)).toBe(0);
    expect(await count(`processInstanceId=${id}&eventType=conditional`)).toBe(0);
    expect(await count(`executionId=${id}&activityId=Task_Book`)).toBe(1);
    expect(await count(`processInstanceId=${id}&eventName=anything`)).toBe(0);
    const [subscription] = (await call(t.base, 'GET', `/event-subscription?eventType=compensate&processInstanceId=${id}`)).body as Array<{ id: string }>;
    expect((await call(t.base, 'GET', `/event-subscription?eventSubscriptionId=${subscription!.id}`)).body).toMatchObject([{ activityId: 'Task_Book' }]);
  });

  it('a compensation throw consumes the subscriptions of the activities it compensates', async () => {
    // charge completes and the gateway takes the undo path: the throw takes both subscriptions and
    // runs their handlers newest first, the refund now (it waits for its worker)
    t.engine.handle('charge', () => undefined);
    await t.engine.whenIdle();
    expect((await call(t.base, 'GET', `/execution?processInstanceId=${id}&activityId=Undo_Charge`)).body).toHaveLength(1);
    expect((await call(t.base, 'GET', `/event-subscription?processInstanceId=${id}`)).body).toEqual([]);
    expect((await call(t.base, 'GET', `/event-subscription/count?eventType=compensate`)).body).toEqual({ count: 0 });
  });
});
