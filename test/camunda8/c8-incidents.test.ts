/**
 * Camunda 8 semantics on /v2: an expression that cannot be evaluated, or a gateway with no
 * selectable flow, raises an incident on the element; the instance started through /v2 stays
 * (no rollback of the start), as in Zeebe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startC8, type C8TestServer } from './helpers.js';

const diagram = (id: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d_${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="Start" targetRef="Route" />
    ${body}
    <bpmn:endEvent id="End_A"><bpmn:incoming>fa</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="End_B"><bpmn:incoming>fb</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

const gateway = (conditionA: string, conditionB: string) => `
    <bpmn:exclusiveGateway id="Route"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>fa</bpmn:outgoing><bpmn:outgoing>fb</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="fa" sourceRef="Route" targetRef="End_A"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${conditionA}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="fb" sourceRef="Route" targetRef="End_B"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${conditionB}</bpmn:conditionExpression></bpmn:sequenceFlow>`;

describe('/v2: failing expressions and gateways without a selectable flow raise incidents', () => {
  let t: C8TestServer;

  beforeAll(async () => {
    t = await startC8();
    await t.rest.deployResources([
      { name: 'no-flow.bpmn', content: diagram('NoFlowC8', gateway('=route = &quot;a&quot;', '=route = &quot;b&quot;')) },
      { name: 'bad-feel.bpmn', content: diagram('BadFeelC8', gateway('=route = &quot;a&quot;', '=route = &quot;b&quot;')) },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  const incidentsOf = (processInstanceKey: string) => eventually(async () => {
    const found = await t.rest.searchIncidents({ filter: { processInstanceKey } });
    if (found.items.length === 0) throw new Error('no incident yet');
    return found.items;
  });
  const instance = async (key: string) => (await (await fetch(`${t.url}/v2/process-instances/${key}`)).json()) as { state: string; hasIncident: boolean };

  it('no condition true and no default flow: the start succeeds, the gateway holds an incident', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'NoFlowC8', variables: { route: 'c' } });
    expect(started.processInstanceKey).toMatch(/^\d+$/);
    const incidents = await incidentsOf(started.processInstanceKey);
    expect(incidents).toEqual([expect.objectContaining({ elementId: 'Route', processDefinitionId: 'NoFlowC8', state: 'ACTIVE' })]);
    expect(incidents[0]!.errorMessage).toMatch(/'Route': no outgoing sequence flow has a true condition and there is no default flow/);
    expect(await instance(started.processInstanceKey)).toMatchObject({ state: 'ACTIVE', hasIncident: true });
    // a matching start is not affected
    const ok = await t.rest.createProcessInstance({ processDefinitionId: 'NoFlowC8', variables: { route: 'b' } });
    expect((await instance(ok.processInstanceKey)).state).toBe('COMPLETED');
  });

  it('a FEEL condition that does not evaluate to a boolean: an incident, not a failed start', async () => {
    // a number compared with a text is null in FEEL; Zeebe raises an incident on the gateway
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'BadFeelC8', variables: { route: 42 } });
    const incidents = await incidentsOf(started.processInstanceKey);
    expect(incidents).toEqual([expect.objectContaining({ elementId: 'Route', processDefinitionId: 'BadFeelC8' })]);
    expect(incidents[0]!.errorMessage).toBe("Condition '=route = \"a\"' evaluated to null, expected a boolean at element 'Route'");
    expect(await instance(started.processInstanceKey)).toMatchObject({ state: 'ACTIVE', hasIncident: true });
  });
});
