import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deployFixture, startServer, type TestServer } from './helpers.js';

describe('process instances, activity tree, jobs and history', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    await deployFixture(t.base, 'sub-process.c7.bpmn');
    await deployFixture(t.base, 'timer-intermediate.c7.bpmn');
  });
  afterAll(() => t.close());

  const start = async (key: string, body: Record<string, unknown> = {}) => {
    const res = await call(t.base, 'POST', `/process-definition/key/${key}/start`, body);
    expect(res.status).toBe(200);
    return res.body.id as string;
  };

  it('lists and filters running instances', async () => {
    const a = await start('SubProcessC7', { businessKey: 'alpha' });
    await start('SubProcessC7', { businessKey: 'beta' });
    const byKey = await call(t.base, 'GET', '/process-instance?businessKey=alpha');
    expect(byKey.body.map((i: { id: string }) => i.id)).toEqual([a]);
    expect(byKey.body[0]).toMatchObject({ definitionKey: 'SubProcessC7', ended: false, suspended: false, businessKey: 'alpha' });
    expect((await call(t.base, 'GET', '/process-instance/count?processDefinitionKey=SubProcessC7')).body.count).toBe(2);
    expect((await call(t.base, 'GET', '/process-instance?processDefinitionKey=SubProcessC7&active=true')).body).toHaveLength(2);
    expect((await call(t.base, 'GET', '/process-instance?suspended=true')).body).toEqual([]);
    expect((await call(t.base, 'GET', `/process-instance/${a}`)).body.id).toBe(a);
  });

  it('builds the activity instance tree with nested scopes', async () => {
    const id = await start('SubProcessC7');
    const res = await call(t.base, 'GET', `/process-instance/${id}/activity-instances`);
    expect(res.status).toBe(200);
    const root = res.body;
    expect(root).toMatchObject({ id, parentActivityInstanceId: null, activityType: 'processDefinition', processInstanceId: id, childTransitionInstances: [] });
    expect(root.activityId).toContain('SubProcessC7:');
    expect(root.childActivityInstances).toHaveLength(1);
    const sub = root.childActivityInstances[0];
    expect(sub).toMatchObject({ activityId: 'Sub', activityType: 'subProcess', parentActivityInstanceId: id, activityName: 'Sub-process' });
    expect(sub.childActivityInstances).toHaveLength(1);
    expect(sub.childActivityInstances[0]).toMatchObject({ activityId: 'Sub_Task', activityType: 'serviceTask', parentActivityInstanceId: sub.id, incidentIds: [] });
  });

  it('gets, sets, patches and deletes variables with their Camunda types', async () => {
    const id = await start('SubProcessC7', { variables: { threshold: { value: 0.8, type: 'Double' } } });
    expect((await call(t.base, 'GET', `/process-instance/${id}/variables/threshold`)).body).toEqual({ type: 'Double', value: 0.8, valueInfo: {} });
    expect((await call(t.base, 'PUT', `/process-instance/${id}/variables/config`, { value: '{"depth":3}', type: 'Json' })).status).toBe(204);
    expect((await call(t.base, 'PUT', `/process-instance/${id}/variables/payload`, { value: '{"k":[1,2]}', type: 'Object', valueInfo: { serializationDataFormat: 'application/json', objectTypeName: 'java.util.HashMap' } })).status).toBe(204);
    const patched = await call(t.base, 'POST', `/process-instance/${id}/variables`, { modifications: { big: { value: 5000000000, type: 'Long' }, flag: { value: 'true', type: 'Boolean' } }, deletions: ['threshold'] });
    expect(patched.status).toBe(204);
    const all = await call(t.base, 'GET', `/process-instance/${id}/variables`);
    expect(all.body).toEqual({
      config: { type: 'Json', value: '{"depth":3}', valueInfo: {} },
      payload: { type: 'Json', value: '{"k":[1,2]}', valueInfo: {} },
      big: { type: 'Long', value: 5000000000, valueInfo: {} },
      flag: { type: 'Boolean', value: true, valueInfo: {} },
    });
    expect((await call(t.base, 'DELETE', `/process-instance/${id}/variables/flag`)).status).toBe(204);
    const missing = await call(t.base, 'GET', `/process-instance/${id}/variables/flag`);
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('InvalidRequestException');
  });

  it('cancels an instance: gone from runtime, EXTERNALLY_TERMINATED in history with terminated activities', async () => {
    const id = await start('SubProcessC7', { businessKey: 'to-cancel' });
    expect((await call(t.base, 'DELETE', `/process-instance/${id}`)).status).toBe(204);
    expect((await call(t.base, 'GET', `/process-instance/${id}`)).status).toBe(404);
    expect((await call(t.base, 'DELETE', `/process-instance/${id}`)).status).toBe(404);
    const history = await call(t.base, 'GET', `/history/process-instance/${id}`);
    expect(history.body).toMatchObject({ id, state: 'EXTERNALLY_TERMINATED', businessKey: 'to-cancel', deleteReason: 'Deleted over REST' });
    expect(history.body.endTime).toMatch(/\+0000$/);
    const activities = await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${id}&canceled=true&sortBy=startTime&sortOrder=asc`);
    expect(activities.body.map((a: { activityId: string }) => a.activityId).sort()).toEqual(['Sub', 'Sub_Task']);
    const unfinished = await call(t.base, 'GET', '/history/process-instance/count?unfinished=true');
    const finished = await call(t.base, 'GET', '/history/process-instance/count?finished=true');
    const all = await call(t.base, 'GET', '/history/process-instance/count');
    expect(unfinished.body.count + finished.body.count).toBe(all.body.count);
  });

  it('lists timer jobs and sets job retries', async () => {
    const id = await start('TimerIntermediateC7');
    const jobs = await call(t.base, 'GET', `/job?processInstanceId=${id}`);
    expect(jobs.body).toHaveLength(1);
    const job = jobs.body[0];
    expect(job).toMatchObject({ processInstanceId: id, retries: 3, suspended: false, processDefinitionKey: 'TimerIntermediateC7' });
    expect(job.dueDate).toMatch(/\+0000$/);
    expect((await call(t.base, 'GET', `/job/${job.id}`)).body.id).toBe(job.id);
    expect((await call(t.base, 'GET', '/job/count?withRetriesLeft=true')).body.count).toBeGreaterThanOrEqual(1);
    expect((await call(t.base, 'PUT', `/job/${job.id}/retries`, { retries: 5 })).status).toBe(204);
    expect((await call(t.base, 'GET', `/job/${job.id}`)).body.retries).toBe(5);
    expect((await call(t.base, 'PUT', `/job/${job.id}/retries`, { retries: -1 })).status).toBe(400);
    expect((await call(t.base, 'GET', '/incident')).body).toEqual([]);
    expect((await call(t.base, 'GET', '/incident/count')).body).toEqual({ count: 0 });
  });
});
