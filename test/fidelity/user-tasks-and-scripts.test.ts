/**
 * Standard BPMN user-task assignment, documentation, relative due dates, loopDataInputRef
 * multi-instance and plain-text JUEL scripts, run over /engine-rest as Camunda 7 runs them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/bpmn/index.js';
import { call, deploy, endedAt, fidelityFixture, start, startServer, type TestServer } from './helpers.js';

describe('user tasks and scripts like Camunda 7', () => {
  let t: TestServer;
  let id: string;
  const tasks = async () => (await call(t.base, 'GET', `/task?processInstanceId=${id}&sortBy=id&sortOrder=asc`)).body as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    t = await startServer();
    await deploy(t.base, 'user-task-settings.bpmn');
    id = await start(t.base, 'UserTaskSettings', {
      followUp: { value: '2030-01-02T03:04:05.000+0000', type: 'Date' },
      reviewers: { value: JSON.stringify(['ann', 'bob', 'cem']), type: 'Json' },
    });
  });
  afterAll(() => t.close());

  it('a JUEL script that is plain text or a literal evaluates to its text', async () => {
    expect((await call(t.base, 'GET', `/process-instance/${id}/variables/plain`)).body).toMatchObject({ type: 'String', value: 'hello world' });
    expect((await call(t.base, 'GET', `/process-instance/${id}/variables/zero`)).body).toMatchObject({ type: 'String', value: '0' });
  });

  it('humanPerformer assigns, <documentation> describes, a P2DT2H30M due date counts from creation', async () => {
    const [task] = await tasks();
    expect(task).toMatchObject({ taskDefinitionKey: 'Approve', assignee: 'kermit', description: 'Check the amount and the supplier.' });
    // counted from the task's creation (UTC has no daylight-saving jumps)
    expect(Date.parse(task!.due) - Date.parse(task!.created)).toBe((2 * 24 * 60 + 2 * 60 + 30) * 60_000);
    expect(Date.parse(task!.followUp)).toBe(Date.parse('2030-01-02T03:04:05.000Z'));
    expect((await call(t.base, 'POST', `/task/${task!.id}/complete`, {})).status).toBe(204);
  });

  it('potentialOwner with user(...), group(...) and a bare name makes candidate users and groups', async () => {
    const [task] = await tasks();
    expect(task).toMatchObject({ taskDefinitionKey: 'Pick', assignee: null, description: null });
    const byUser = await call(t.base, 'GET', `/task?processInstanceId=${id}&candidateUser=fozzie`);
    expect(byUser.body.map((x: { id: string }) => x.id)).toEqual([task!.id]);
    for (const group of ['management', 'accounting']) {
      expect((await call(t.base, 'GET', `/task?processInstanceId=${id}&candidateGroup=${group}`)).body).toHaveLength(1);
    }
    expect((await call(t.base, 'GET', `/task?processInstanceId=${id}&candidateGroup=fozzie`)).body).toHaveLength(0);
    expect((await call(t.base, 'POST', `/task/${task!.id}/complete`, {})).status).toBe(204);
  });

  it('loopDataInputRef / inputDataItem make one instance per collection element (loopDataOutputRef is ignored with a warning)', async () => {
    const { errors, warnings } = await compileBpmn(fidelityFixture('user-task-settings.bpmn'));
    expect(errors).toEqual([]);
    expect(warnings.map((w) => w.message)).toEqual(["loopDataOutputRef 'verdicts' is ignored (collect outputs with an output mapping)"]);
    const open = await tasks();
    expect(open.map((x) => x.taskDefinitionKey)).toEqual(['PerReviewer', 'PerReviewer', 'PerReviewer']);
    const reviewers: string[] = [];
    for (const task of open) {
      reviewers.push((await call(t.base, 'GET', `/task/${task.id}/variables/reviewer`)).body.value);
      expect((await call(t.base, 'POST', `/task/${task.id}/complete`, {})).status).toBe(204);
    }
    expect(reviewers.sort()).toEqual(['ann', 'bob', 'cem']);
    expect(await endedAt(t.base, id)).toEqual(['End']);
  });
});
