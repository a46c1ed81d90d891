/** /v2 element-instance search shows a multi-instance body as Zeebe does: MULTI_INSTANCE_BODY, with the activity's own id. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startC8, type C8TestServer } from './helpers.js';

describe('/v2 element instances of a multi-instance sub-process', () => {
  let t: C8TestServer;
  let processInstanceKey: string;

  beforeAll(async () => {
    t = await startC8();
    await t.rest.deployResources([{ name: 'multi-instance-subprocess.c8.bpmn', content: fixture('multi-instance-subprocess.c8.bpmn').toString() }]);
    processInstanceKey = (await t.rest.createProcessInstance({ processDefinitionId: 'MultiInstanceSubC8', variables: { reviewers: ['ann', 'bob'] } })).processInstanceKey;
  });
  afterAll(async () => {
    await t.close();
  });

  it('the body is one element instance of type MULTI_INSTANCE_BODY; each iteration is a SUB_PROCESS with the same elementId', async () => {
    const found = await t.rest.searchElementInstances({ filter: { processInstanceKey } } as never);
    const byType = (type: string) => found.items.filter((i) => i.type === type).map((i) => i.elementId);
    expect(byType('MULTI_INSTANCE_BODY')).toEqual(['Sub_Review']);
    expect(byType('SUB_PROCESS')).toEqual(['Sub_Review', 'Sub_Review']);
    expect(byType('USER_TASK')).toEqual(['Task_Vote', 'Task_Vote']);
    expect(found.items).toHaveLength(5);
    const bodies = await t.rest.searchElementInstances({ filter: { processInstanceKey, type: 'MULTI_INSTANCE_BODY' } } as never);
    expect(bodies.items.map((i) => i.elementId)).toEqual(['Sub_Review']);
  });
});
