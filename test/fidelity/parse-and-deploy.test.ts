/**
 * Camunda 7 is lenient where a diagram is merely unusual: these fixtures deploy over /engine-rest
 * (as Camunda Modeler deploys them) and run as Camunda 7 runs them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/bpmn/index.js';
import { call, deploy, endedAt, fidelityFixture, start, startServer, visited, type TestServer } from './helpers.js';

describe('parse and deploy like Camunda 7', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('compiles id-less flows, spaced attributes, padded ids, prefixed messageRefs, unknown camunda: attributes and dangling DI with warnings only', async () => {
    const result = await compileBpmn(fidelityFixture('lenient-parse.bpmn'));
    expect(result.errors).toEqual([]);
    const graph = result.processes[0]!;
    expect(graph.id).toBe('LenientParse');
    // every id-less flow is kept, with a stable id derived from its ends
    expect(Object.keys(graph.flows).sort()).toEqual(['Flow_fork_receive', 'Flow_fork_work', 'Flow_receive_theEnd', 'Flow_theStart_fork']);
    expect(graph.nodes.fork!.outgoing).toEqual(['Flow_fork_receive', 'Flow_fork_work']);
    expect(graph.nodes.theStart).toBeDefined();
    expect(graph.nodes.receive!.event).toEqual({ type: 'message', messageName: 'newInvoiceMessage' });
    const warnings = result.warnings.map((w) => w.message);
    expect(warnings).toContain("Sequence flow from 'fork' to 'work' has no id: it is given the id 'Flow_fork_work'");
    expect(warnings).toContain('Unknown attribute camunda:unknownThing is ignored');
    expect(warnings).toContain('Unknown extension element camunda:futureThing is ignored');
    expect(warnings).toContain("Diagram element points at unknown element 'NotThere': ignored (the diagram is presentation only)");
    // positions still point at the original text
    expect(result.warnings.find((w) => w.elementId === 'receive')).toMatchObject({ line: 12, column: 5 });
    // the same document always yields the same ids
    expect(Object.keys((await compileBpmn(fidelityFixture('lenient-parse.bpmn'))).processes[0]!.flows)).toEqual(Object.keys(graph.flows));
  });

  it('runs the lenient diagram: the first unconditional flow of the exclusive gateway is taken, the prefixed message is correlated', async () => {
    await deploy(t.base, 'lenient-parse.bpmn');
    const id = await start(t.base, 'LenientParse', {}, 'invoice-1');
    const res = await call(t.base, 'POST', '/message', { messageName: 'newInvoiceMessage', businessKey: 'invoice-1' });
    expect(res.status).toBe(204);
    expect(await endedAt(t.base, id)).toEqual(['theEnd']);
    expect(await visited(t.base, id)).toEqual(['theStart', 'fork', 'receive', 'theEnd']);
  });

  it('ends tokens at a gateway or activity without outgoing flow, a parallel join can end its scope, an inclusive gateway takes every unconditional flow', async () => {
    await deploy(t.base, 'implicit-ends.bpmn');
    const id = await start(t.base, 'ImplicitEnds');
    const task = (await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body[0];
    expect(task.taskDefinitionKey).toBe('AfterSub');
    const ran = await visited(t.base, id);
    for (const activity of ['DeadEndXor', 'NoOutgoing', 'WayOne', 'WayTwo', 'SubJoin', 'Sub']) expect(ran).toContain(activity);
    expect((await call(t.base, 'POST', `/task/${task.id}/complete`, {})).status).toBe(204);
    expect(await endedAt(t.base, id)).toEqual(['End']);
  });

  it('uses an errorRef naming no <error> as the error code, and throws an error without code to catch-all boundaries', async () => {
    await deploy(t.base, 'error-codes.bpmn');
    const byRef = await start(t.base, 'ErrorCodes', { byRef: { value: true, type: 'Boolean' } });
    expect(await endedAt(t.base, byRef)).toEqual(['CaughtByCode']);
    const code = await call(t.base, 'GET', `/history/variable-instance?processInstanceId=${byRef}&variableName=code`);
    expect(code.body[0]).toMatchObject({ value: 'MY_ERROR' });
    const noCode = await start(t.base, 'ErrorCodes', { byRef: { value: false, type: 'Boolean' } });
    expect(await endedAt(t.base, noCode)).toEqual(['CaughtAll']);
  });

  it('runs a legacy diagram: the Activiti namespace read as the Camunda one, no isExecutable attribute (executable, with a warning)', async () => {
    const result = await compileBpmn(fidelityFixture('legacy-namespace.bpmn'));
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.message)).toContain('Process has no isExecutable attribute: it is deployed as executable, as Camunda 7 does');
    await deploy(t.base, 'legacy-namespace.bpmn');
    const id = await start(t.base, 'LegacyNamespace');
    const task = (await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body[0];
    expect(task).toMatchObject({ taskDefinitionKey: 'approve', assignee: 'kermit' });
    expect((await call(t.base, 'GET', `/task?processInstanceId=${id}&candidateGroup=management&includeAssignedTasks=true`)).body).toHaveLength(1);
    expect((await call(t.base, 'POST', `/task/${task.id}/complete`, {})).status).toBe(204);
    expect(await endedAt(t.base, id)).toEqual(['theEnd']);
  });
});
