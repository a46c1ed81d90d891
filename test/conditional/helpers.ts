import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, modelerDeploy } from '../http/helpers.js';

export { call, eventually, startServer, type TestServer } from '../http/helpers.js';

export const CONDITIONAL_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'bpmn', 'conditional');

export const conditionalFixture = (name: string): string => readFileSync(join(CONDITIONAL_FIXTURES, name), 'utf8');

/** Deploys a fixture as Camunda Modeler does; answers the process definition id. */
export async function deploy(base: string, name: string): Promise<string> {
  const result = await modelerDeploy(base, name, conditionalFixture(name), { name: `conditional-${name}` });
  if (result.status !== 200) throw new Error(`deploy of ${name} failed: ${JSON.stringify(result.body)}`);
  return Object.keys(result.body.deployedProcessDefinitions)[0]!;
}

/** A typed Camunda variable map from plain values. */
export function typed(variables: Record<string, unknown>): Record<string, { value: unknown; type: string }> {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, { value, type: typeOf(value) }]));
}

function typeOf(value: unknown): string {
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Double';
  return 'String';
}

export async function start(base: string, key: string, variables: Record<string, unknown> = {}): Promise<string> {
  const res = await call(base, 'POST', `/process-definition/key/${key}/start`, { variables: typed(variables) });
  if (res.status !== 200) throw new Error(`start of ${key} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** `PUT /process-instance/{id}/variables/{name}`: one process variable from outside. */
export async function setVariable(base: string, instanceId: string, name: string, value: unknown): Promise<void> {
  const res = await call(base, 'PUT', `/process-instance/${instanceId}/variables/${name}`, typed({ [name]: value })[name]);
  if (res.status !== 204) throw new Error(`set ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The task definition keys of the instance's open tasks, sorted. */
export async function openTasks(base: string, instanceId: string): Promise<string[]> {
  const res = await call(base, 'GET', `/task?processInstanceId=${instanceId}`);
  return (res.body as Array<{ taskDefinitionKey: string }>).map((t) => t.taskDefinitionKey).sort();
}

export async function taskId(base: string, instanceId: string, key: string): Promise<string> {
  const res = await call(base, 'GET', `/task?processInstanceId=${instanceId}&taskDefinitionKey=${key}`);
  const task = (res.body as Array<{ id: string }>)[0];
  if (!task) throw new Error(`no open task ${key} in ${instanceId}`);
  return task.id;
}

/** Activity ids the instance has passed through (history), in start order. */
export async function visited(base: string, instanceId: string): Promise<string[]> {
  const res = await call(base, 'GET', `/history/activity-instance?processInstanceId=${instanceId}&sortBy=startTime&sortOrder=asc`);
  return (res.body as Array<{ activityId: string }>).map((a) => a.activityId);
}

export async function historyState(base: string, instanceId: string): Promise<string> {
  const res = await call(base, 'GET', `/history/process-instance/${instanceId}`);
  return res.body.state as string;
}

/** The execution ids of the instance at an activity. */
export async function executionsAt(base: string, instanceId: string, activityId: string): Promise<string[]> {
  const res = await call(base, 'GET', `/execution?processInstanceId=${instanceId}&activityId=${activityId}`);
  return (res.body as Array<{ id: string }>).map((e) => e.id);
}

/** `GET /event-subscription?eventType=conditional` of the instance: the armed conditional events' activity ids, sorted. */
export async function conditionalSubscriptions(base: string, instanceId: string): Promise<string[]> {
  const res = await call(base, 'GET', `/event-subscription?eventType=conditional&processInstanceId=${instanceId}`);
  return (res.body as Array<{ activityId: string; eventName: string | null }>).map((s) => `${s.activityId}${s.eventName === null ? '' : `:${s.eventName}`}`).sort();
}
