import type { TaskRecord } from '../../store/records.js';
import type { Effect } from '../effects.js';
import { inInstance, type EngineCore } from '../engine-core.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { Variables } from '../variables.js';
import { ensureTaskActive } from './suspension.js';

export function getTask(core: EngineCore, taskId: string): TaskRecord {
  const task = core.runtime.getTask(taskId);
  if (!task) throw new NotFoundError(`No user task with id '${taskId}': it may have been completed or cancelled`);
  return task;
}

/** A person finished the task: their variables are set and the process moves on. */
export function completeTask(core: EngineCore, taskId: string, variables: Variables, userId: string | null, effects: Effect[]): void {
  const task = getTask(core, taskId);
  ensureTaskActive(task);
  inInstance(core, task.instanceId, effects, (step) => {
    const ei = step.elementInstance(task.elementInstanceId);
    if (!ei) throw new NotFoundError(`The element instance of task '${taskId}' no longer exists`);
    const node = step.node(ei);
    step.runGuarded(ei, () => step.processor(ei).onTaskCompleted!(step, ei, node, variables));
  }, userId);
}

/** Claim (assignee must be free unless it is the same user), unclaim (null) or set the assignee outright. */
export function assignTask(core: EngineCore, taskId: string, assignee: string | null, mode: 'claim' | 'set', actor: string | null, effects: Effect[]): void {
  const task = getTask(core, taskId);
  ensureTaskActive(task);
  if (mode === 'claim' && assignee !== null && task.assignee !== null && task.assignee !== assignee) {
    throw new BadRequestError(`Cannot claim task '${taskId}': it is already claimed by '${task.assignee}'`);
  }
  core.changes.add({ kind: 'setAssignee', id: taskId, assignee });
  core.changes.history({
    instanceId: task.instanceId,
    kind: 'taskAssigned',
    elementInstanceId: task.elementInstanceId,
    elementId: task.elementId,
    at: core.clock.now(),
    actor,
    data: JSON.stringify({ taskId, assignee, previous: task.assignee }),
  });
  effects.push({ kind: 'taskChanged', taskId, instanceId: task.instanceId, change: 'assigned' });
}
