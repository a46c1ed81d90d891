import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deployFixture, eventually, startServer, type TestServer } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fetchAndLock: locking, long polling, lock expiry', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    await deployFixture(t.base, 'service-task.c7.bpmn');
  });
  afterAll(() => t.close());

  const start = async (businessKey?: string) => (await call(t.base, 'POST', '/process-definition/key/ServiceTaskC7/start', { businessKey })).body.id as string;
  const fetchAndLock = (workerId: string, extra: Record<string, unknown> = {}, topic: Record<string, unknown> = {}) =>
    call(t.base, 'POST', '/external-task/fetchAndLock', { workerId, maxTasks: 10, usePriority: true, topics: [{ topicName: 'work', lockDuration: 60_000, ...topic }], ...extra });

  it('answers [] at once when nothing is available and no asyncResponseTimeout is given', async () => {
    const res = await fetchAndLock('idle');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('long polling returns as soon as work arrives (well before the requested timeout)', async () => {
    // the test timeout (30 s) is shorter than the poll's 60 s: only a prompt answer passes
    const pending = fetchAndLock('poller', { asyncResponseTimeout: 60_000 });
    await eventually(() => t.app.rest.externalTasks.waiting === 1);
    const id = await start('long-poll');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ processInstanceId: id, workerId: 'poller', topicName: 'work', businessKey: 'long-poll', activityId: 'Task_Work', processDefinitionKey: 'ServiceTaskC7' });
    expect(res.body[0].lockExpirationTime).toMatch(/\+0000$/);
    expect((await call(t.base, 'POST', `/external-task/${res.body[0].id}/complete`, { workerId: 'poller' })).status).toBe(204);
  });

  it('a long poll whose client disconnects locks nothing', async () => {
    const controller = new AbortController();
    const pending = fetch(`${t.base}/external-task/fetchAndLock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workerId: 'gone', maxTasks: 1, topics: [{ topicName: 'work', lockDuration: 60_000 }], asyncResponseTimeout: 60_000 }),
      signal: controller.signal,
    }).catch(() => null);
    await eventually(() => t.app.rest.externalTasks.waiting === 1);
    controller.abort();
    await pending;
    await eventually(() => t.app.rest.externalTasks.waiting === 0);
    const id = await start();
    const res = await fetchAndLock('present');
    expect(res.body.map((task: { processInstanceId: string }) => task.processInstanceId)).toEqual([id]);
    await call(t.base, 'POST', `/external-task/${res.body[0].id}/complete`, { workerId: 'present' });
  });

  it('8 concurrent workers: every task is handed out and completed exactly once', async () => {
    const total = 60;
    const ids = await Promise.all(Array.from({ length: total }, () => start('contention')));
    const handedOut = new Map<string, string[]>();
    const completions = new Map<string, number>();
    const worker = async (workerId: string) => {
      for (let idle = 0; idle < 3;) {
        const res = await fetchAndLock(workerId, { maxTasks: 3 }, { businessKey: 'contention' });
        expect(res.status).toBe(200);
        if (res.body.length === 0) {
          idle++;
          await sleep(10);
          continue;
        }
        idle = 0;
        for (const task of res.body) {
          handedOut.set(task.id, [...(handedOut.get(task.id) ?? []), workerId]);
          const done = await call(t.base, 'POST', `/external-task/${task.id}/complete`, { workerId, variables: { by: { value: workerId } } });
          expect(done.status).toBe(204);
          completions.set(task.id, (completions.get(task.id) ?? 0) + 1);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => worker(`w${i}`)));
    expect(handedOut.size).toBe(total);
    for (const workers of handedOut.values()) expect(workers).toHaveLength(1);
    for (const count of completions.values()) expect(count).toBe(1);
    const finished = await call(t.base, 'GET', '/history/process-instance/count?finished=true&processInstanceBusinessKey=contention');
    expect(finished.body.count).toBe(ids.length);
  });

  it('a worker whose lock expired loses the task; its late complete gets a clear 4xx', async () => {
    const id = await start('expiry');
    const first = await fetchAndLock('slow', {}, { lockDuration: 30, businessKey: 'expiry' });
    expect(first.body).toHaveLength(1);
    const taskId = first.body[0].id;
    const second = await eventually(async () => {
      const res = await fetchAndLock('fast', {}, { businessKey: 'expiry' });
      return res.body.length ? res : null;
    });
    expect(second!.body[0].id).toBe(taskId);
    const late = await call(t.base, 'POST', `/external-task/${taskId}/complete`, { workerId: 'slow' });
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/cannot be completed by worker 'slow'.*locked by worker 'fast'/);
    expect((await call(t.base, 'POST', `/external-task/${taskId}/complete`, { workerId: 'fast' })).status).toBe(204);
    const again = await call(t.base, 'POST', `/external-task/${taskId}/complete`, { workerId: 'fast' });
    expect(again.status).toBe(404);
    expect(again.body.type).toBe('InvalidRequestException');
    expect((await call(t.base, 'GET', `/history/process-instance/${id}`)).body.state).toBe('COMPLETED');
  });

  it('extendLock, unlock, lock, list and count', async () => {
    const id = await start('manage');
    const [task] = (await fetchAndLock('owner', {}, { businessKey: 'manage' })).body;
    expect((await call(t.base, 'POST', `/external-task/${task.id}/extendLock`, { workerId: 'owner', newDuration: 120_000 })).status).toBe(204);
    const foreign = await call(t.base, 'POST', `/external-task/${task.id}/extendLock`, { workerId: 'thief', newDuration: 1000 });
    expect(foreign.status).toBe(409);
    const listed = await call(t.base, 'GET', `/external-task?processInstanceId=${id}`);
    expect(listed.body[0]).toMatchObject({ id: task.id, workerId: 'owner', topicName: 'work', retries: 3, suspended: false, businessKey: 'manage' });
    expect((await call(t.base, 'GET', '/external-task/count?locked=true&topicName=work')).body.count).toBeGreaterThanOrEqual(1);
    expect((await call(t.base, 'POST', `/external-task/${task.id}/unlock`)).status).toBe(204);
    expect((await call(t.base, 'GET', `/external-task/${task.id}`)).body.workerId).toBeNull();
    expect((await call(t.base, 'POST', `/external-task/${task.id}/lock`, { workerId: 'second', lockDuration: 60_000 })).status).toBe(204);
    const refused = await call(t.base, 'POST', `/external-task/${task.id}/lock`, { workerId: 'third', lockDuration: 60_000 });
    expect(refused.status).toBe(409);
    const failed = await call(t.base, 'POST', `/external-task/${task.id}/failure`, { workerId: 'second', errorMessage: 'oops', retries: 2, retryTimeout: 60_000 });
    expect(failed.status).toBe(204);
    // not due again for a minute: nobody gets it now
    expect((await fetchAndLock('other', {}, { businessKey: 'manage' })).body).toEqual([]);
    expect((await call(t.base, 'GET', `/external-task/${task.id}`)).body).toMatchObject({ retries: 2, errorMessage: 'oops' });
  });

  it('filters fetched variables by name', async () => {
    const res = await call(t.base, 'POST', '/process-definition/key/ServiceTaskC7/start', {
      businessKey: 'vars',
      variables: { keep: { value: 1, type: 'Long' }, drop: { value: 'x' } },
    });
    const [task] = (await fetchAndLock('picky', {}, { businessKey: 'vars', variables: ['keep'] })).body;
    expect(task.processInstanceId).toBe(res.body.id);
    expect(task.variables).toEqual({ keep: { type: 'Integer', value: 1, valueInfo: {} } });
  });
});
