import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deployFixture, fixture, modelerDeploy, startServer, type TestServer } from './helpers.js';

/** Every bad request gets a 4xx with Camunda's {type, message} body, never a stack trace or a path. */
describe('bad input', () => {
  let t: TestServer;
  let definitionId = '';
  beforeAll(async () => {
    t = await startServer({ maxUploadBytes: 256 * 1024 });
    definitionId = await deployFixture(t.base, 'user-task.c7.bpmn');
  });
  afterAll(() => t.close());

  const expectClean = (body: { type?: unknown; message?: unknown }) => {
    expect(typeof body.type).toBe('string');
    expect(typeof body.message).toBe('string');
    expect(JSON.stringify(body)).not.toMatch(/\/work\/|node_modules|\n\s+at /);
  };

  it('wrong JSON → 400 InvalidRequestException', async () => {
    const res = await call(t.base, 'POST', `/process-definition/${definitionId}/start`, '{"businessKey": ');
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('InvalidRequestException');
    expect(res.body.message).toMatch(/not valid JSON/);
    expectClean(res.body);
  });

  it('JSON body over the limit → 413', async () => {
    const big = JSON.stringify({ businessKey: 'x', variables: { blob: { value: 'a'.repeat(1_100_000) } } });
    const res = await call(t.base, 'POST', `/process-definition/${definitionId}/start`, big);
    expect(res.status).toBe(413);
    expectClean(res.body);
  });

  it('unknown variable type → 400 "Unsupported value type"', async () => {
    const res = await call(t.base, 'POST', `/process-definition/${definitionId}/start`, { variables: { a: { value: 1, type: 'Banana' } } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^Cannot instantiate process definition .*: Unsupported value type 'Banana'/);
    expectClean(res.body);
  });

  it('wrong value for the type → 400 "Cannot convert value"', async () => {
    for (const [value, type] of [['abc', 'Integer'], [2 ** 40, 'Integer'], ['yes', 'Boolean'], ['not a date', 'Date'], ['{broken', 'Json'], [1.5, 'Long']] as const) {
      const res = await call(t.base, 'POST', `/process-definition/${definitionId}/start`, { variables: { a: { value, type } } });
      expect(res.status, `${String(value)} as ${type}`).toBe(400);
      expect(res.body.message).toMatch(new RegExp(`Cannot convert value .* to type ${type}`));
    }
  });

  it('schema violations → 400 naming the field', async () => {
    const noWorker = await call(t.base, 'POST', '/external-task/fetchAndLock', { maxTasks: 1, topics: [] });
    expect(noWorker.status).toBe(400);
    expect(noWorker.body.message).toMatch(/workerId/);
    const badTopic = await call(t.base, 'POST', '/external-task/fetchAndLock', { workerId: 'w', maxTasks: 1, topics: [{ topicName: 'x', lockDuration: 'long' }] });
    expect(badTopic.status).toBe(400);
    expect(badTopic.body.message).toMatch(/lockDuration/);
    const badVariables = await call(t.base, 'POST', `/process-definition/${definitionId}/start`, { variables: ['a'] });
    expect(badVariables.status).toBe(400);
    const claimNoUser = await call(t.base, 'POST', '/task/x/claim', {});
    expect(claimNoUser.status).toBe(400);
  });

  it('unknown ids → 404 in Camunda shape', async () => {
    for (const path of ['/process-definition/Nope:1:abc', '/process-definition/key/Nope', '/process-instance/nope', '/task/nope', '/external-task/nope', '/deployment/nope', '/incident/nope', '/job/nope', '/history/process-instance/nope']) {
      const res = await call(t.base, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body.type, path).toBe('InvalidRequestException');
      expectClean(res.body);
    }
    const start = await call(t.base, 'POST', '/process-definition/Nope:1:abc/start', {});
    expect(start.status).toBe(404);
    expect(start.body.message).toMatch(/^Cannot instantiate process definition Nope:1:abc: /);
    const complete = await call(t.base, 'POST', '/task/nope/complete', {});
    expect(complete.status).toBe(404);
    const unknownPath = await call(t.base, 'GET', '/no-such-resource');
    expect(unknownPath.status).toBe(404);
    expectClean(unknownPath.body);
  });

  it('oversize upload → 413', async () => {
    const big = Buffer.alloc(300 * 1024, 'a');
    const res = await modelerDeploy(t.base, 'big.bpmn', big);
    expect(res.status).toBe(413);
    expectClean(res.body);
  });

  it('path traversal and absolute resource names → 400', async () => {
    for (const name of ['../evil.bpmn', '../../etc/passwd.bpmn', '/etc/evil.bpmn', 'a/../../b.bpmn', 'C:\\evil.bpmn']) {
      const res = await modelerDeploy(t.base, name, fixture('service-task.c7.bpmn'));
      expect(res.status, name).toBe(400);
      expect(res.body.type).toBe('InvalidRequestException');
    }
  });

  it('a form part without filename and an upload without resources → 400', async () => {
    const form = new FormData();
    form.append('deployment-name', 'x');
    form.append('diagram.bpmn', fixture('service-task.c7.bpmn').toString());
    const res = await fetch(`${t.base}/deployment/create`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/has no filename/);
    const empty = new FormData();
    empty.append('deployment-name', 'x');
    const none = await fetch(`${t.base}/deployment/create`, { method: 'POST', body: empty });
    expect(none.status).toBe(400);
    expect((await none.json()).message).toBe('No deployment resources contained in the form upload.');
    const notMultipart = await call(t.base, 'POST', '/deployment/create', { a: 1 });
    expect(notMultipart.status).toBe(400);
  });
});
