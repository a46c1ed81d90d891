import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deploy, executionsAt, openTasks, setVariable, start, startServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
  await deploy(t.base, 'conditional-gateway.c7.bpmn');
});
afterAll(async () => t.close());

async function timerJobs(instanceId: string): Promise<number> {
  const res = await call(t.base, 'GET', `/job?processInstanceId=${instanceId}&timers=true`);
  return (res.body as unknown[]).length;
}

describe('event-based gateway with a conditional branch', () => {
  it('waits for the first of the condition and the timer; the condition wins and the timer is withdrawn', async () => {
    const id = await start(t.base, 'ConditionalGatewayC7', { ready: false });
    expect(await executionsAt(t.base, id, 'Gateway')).toHaveLength(1);
    expect(await timerJobs(id)).toBe(1);
    await setVariable(t.base, id, 'ready', true);
    expect(await openTasks(t.base, id)).toEqual(['Go']);
    expect(await timerJobs(id)).toBe(0);
  });

  it('takes the conditional branch at once when its condition holds as the gateway is reached', async () => {
    const id = await start(t.base, 'ConditionalGatewayC7', { ready: true });
    expect(await openTasks(t.base, id)).toEqual(['Go']);
    expect(await timerJobs(id)).toBe(0);
  });
});
