import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, openTasks, setVariable, start, startServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
  await deploy(t.base, 'conditional-multi-instance.c7.bpmn');
});
afterAll(async () => t.close());

describe('conditional boundary event on a multi-instance activity', () => {
  it('is held by the multi-instance body: when it fires, every inner instance ends', async () => {
    const id = await start(t.base, 'ConditionalMultiInstanceC7');
    expect(await openTasks(t.base, id)).toEqual(['Approve', 'Approve', 'Approve']);
    await setVariable(t.base, id, 'approvals', 1);
    expect(await openTasks(t.base, id)).toEqual(['Approve', 'Approve', 'Approve']);
    await setVariable(t.base, id, 'approvals', 2);
    expect(await openTasks(t.base, id)).toEqual(['Done']);
  });
});
