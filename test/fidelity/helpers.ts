import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, eventually, modelerDeploy } from '../http/helpers.js';

export { call, eventually, startServer, type TestServer } from '../http/helpers.js';

export const FIDELITY_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'bpmn', 'camunda-fidelity');

export const fidelityFixture = (name: string): string => readFileSync(join(FIDELITY_FIXTURES, name), 'utf8');

/** Deploys a camunda-fidelity fixture as Camunda Modeler does; fails the test on anything but 200. */
export async function deploy(base: string, name: string): Promise<void> {
  const result = await modelerDeploy(base, name, fidelityFixture(name), { name: `fidelity-${name}` });
  if (result.status !== 200) throw new Error(`deploy of ${name} failed: ${JSON.stringify(result.body)}`);
}

/** Starts the latest version of `key` over REST; returns the instance id. */
export async function start(base: string, key: string, variables: Record<string, unknown> = {}, businessKey?: string): Promise<string> {
  const res = await call(base, 'POST', `/process-definition/key/${key}/start`, { variables, ...(businessKey ? { businessKey } : {}) });
  if (res.status !== 200) throw new Error(`start of ${key} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Waits until the instance has ended (history state COMPLETED); returns its history row. */
export async function completed(base: string, id: string): Promise<{ state: string }> {
  return eventually(async () => {
    const res = await call(base, 'GET', `/history/process-instance/${id}`);
    return res.body?.state === 'COMPLETED' ? res.body : undefined;
  });
}

/** Waits until the instance has completed; returns the ids of the end events it reached. */
export async function endedAt(base: string, id: string): Promise<string[]> {
  await completed(base, id);
  const res = await call(base, 'GET', `/history/activity-instance?processInstanceId=${id}&activityType=noneEndEvent`);
  return (res.body as Array<{ activityId: string }>).map((a) => a.activityId);
}

/** Activity ids the instance has passed through, from history, in start order. */
export async function visited(base: string, id: string): Promise<string[]> {
  const res = await call(base, 'GET', `/history/activity-instance?processInstanceId=${id}&sortBy=startTime&sortOrder=asc`);
  return (res.body as Array<{ activityId: string }>).map((a) => a.activityId);
}
