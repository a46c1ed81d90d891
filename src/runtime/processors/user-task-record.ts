import { newId } from '../ids.js';
import type { FlowNode, Expression } from '../../bpmn/graph.js';
import type { Step, ElementInstance } from '../step.js';
import type { Variables } from '../variables.js';
import { IncidentError } from '../errors.js';
import { expressionFromText } from '../../expressions/index.js';
import { addDuration, parseDuration } from '../../timers/iso8601-duration.js';

/** Creates the task row for a user task, evaluating its assignment expressions now. */
export function createUserTask(step: Step, ei: ElementInstance, node: FlowNode): void {
  const settings = node.userTask ?? {};
  const visible = step.visibleVariables(ei.id);
  const text = (expression: Expression | undefined) => {
    if (!expression) return null;
    const value = step.evaluate(expression, visible, node);
    return value === null || value === undefined || value === '' ? null : String(value);
  };
  const id = newId();
  const task = {
    id,
    instanceId: step.instance.id,
    elementInstanceId: ei.id,
    elementId: node.id,
    definitionId: step.instance.definitionId,
    definitionKey: step.instance.definitionKey,
    // `My Task ${loopCounter}`: names are expressions too (Camunda 7)
    name: node.name === undefined ? null : text(expressionFromText(node.name)),
    assignee: text(settings.assignee),
    candidateGroups: list(step, settings.candidateGroups, visible, node),
    candidateUsers: list(step, settings.candidateUsers, visible, node),
    formKey: settings.formKey ?? null,
    formRef: settings.formRef ?? null,
    priority: settings.priority ? Number(text(settings.priority) ?? 50) : 50,
    dueAt: toTime(text(settings.dueDate), node, 'due date', step.now),
    followUpAt: toTime(text(settings.followUpDate), node, 'follow-up date', step.now),
    createdAt: step.now,
  };
  step.changes.add({ kind: 'insertTask', task });
  step.recordHistory({
    kind: 'taskCreated',
    elementInstanceId: ei.id,
    elementId: node.id,
    data: JSON.stringify({ taskId: id, name: task.name, assignee: task.assignee, candidateGroups: task.candidateGroups, candidateUsers: task.candidateUsers, dueAt: task.dueAt, priority: task.priority }),
  });
  step.effects.push({ kind: 'taskChanged', taskId: id, instanceId: step.instance.id, change: 'created' });
}

export function deleteUserTask(step: Step, ei: ElementInstance, change: 'completed' | 'deleted'): void {
  // a task created in this very step is not in the store yet
  const pending = step.changes.taskOfElementInstance(ei.id);
  const task = pending === undefined ? step.services.store.taskOfElementInstance(ei.id) : pending;
  if (!task || step.changes.isTaskDeleted(task.id)) return;
  step.changes.add({ kind: 'deleteTask', id: task.id });
  step.recordHistory({
    kind: change === 'completed' ? 'taskCompleted' : 'taskDeleted',
    elementInstanceId: ei.id,
    elementId: ei.elementId,
    data: JSON.stringify({ taskId: task.id, name: task.name, assignee: task.assignee, createdAt: task.createdAt }),
  });
  step.effects.push({ kind: 'taskChanged', taskId: task.id, instanceId: step.instance.id, change });
}

/** `"a, b"`, `["a","b"]` or an expression yielding either → trimmed names. */
function list(step: Step, expression: Expression | undefined, visible: Variables, node: FlowNode): string[] {
  if (!expression) return [];
  const value = step.evaluate(expression, visible, node);
  const items = Array.isArray(value) ? value : String(value ?? '').split(',');
  return items.map((item) => String(item).trim()).filter((item) => item.length > 0);
}

/** An ISO 8601 date, or a duration (`P2DT2H30M`) counted from now as Camunda 7's due-date calendar does. */
function toTime(text: string | null, node: FlowNode, what: string, now: number): number | null {
  if (text === null) return null;
  if (/^P/.test(text)) {
    try {
      return addDuration(now, parseDuration(text));
    } catch {
      throw new IncidentError(`User task '${node.id}' has an invalid ${what} '${text}' (expected an ISO 8601 date or duration)`);
    }
  }
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new IncidentError(`User task '${node.id}' has an invalid ${what} '${text}' (expected an ISO 8601 date or duration)`);
  return time;
}
