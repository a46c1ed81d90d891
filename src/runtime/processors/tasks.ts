import type { FlowNode } from '../../bpmn/graph.js';
import type { ElementProcessor } from './processor.js';
import type { Step, ElementInstance } from '../step.js';
import type { Variables } from '../variables.js';
import { IncidentError } from '../errors.js';
import { createUserTask, deleteUserTask } from './user-task-record.js';

/**
 * Variables a handler or a person returns: local to the element when it has output mappings
 * (which then decide what leaves it), otherwise set on the process the way Camunda's setVariable does.
 */
export function applyResult(step: Step, ei: ElementInstance, node: FlowNode, variables: Variables): void {
  if (node.io?.outputs.length) {
    for (const [name, value] of Object.entries(variables)) step.setLocalVariable(ei.id, name, value);
  } else {
    step.setVariables(ei.id, variables);
  }
}

/** Task, manual task: nothing to do, the token passes. */
export const passThrough: ElementProcessor = {
  onActivate(step, ei) {
    step.transitions.complete(ei);
  },
};

/** Service, send and business-rule tasks: a job for the handler topic; done when the job completes. */
export const jobTask: ElementProcessor = {
  onActivate(step, ei, node) {
    if (!node.job) throw new IncidentError(`'${node.id}' has no handler topic`);
    step.createTaskJob(ei, node, node.job.topic);
  },
  onJobCompleted(step, ei, node, variables) {
    applyResult(step, ei, node, variables);
    step.transitions.complete(ei);
  },
  onTerminate(step, ei) {
    step.cancelJobsOf(ei);
  },
};

/** User task: a task row people can query, claim and complete. */
export const userTask: ElementProcessor = {
  onActivate(step, ei, node) {
    createUserTask(step, ei, node);
  },
  onTaskCompleted(step, ei, node, variables) {
    deleteUserTask(step, ei, 'completed');
    applyResult(step, ei, node, variables);
    step.transitions.complete(ei);
  },
  onTerminate(step, ei) {
    deleteUserTask(step, ei, 'deleted');
  },
};

/** Script task: evaluates one expression (JUEL or FEEL), optionally storing the result. */
export const scriptTask: ElementProcessor = {
  onActivate(step, ei, node) {
    const script = node.script;
    if (!script) throw new IncidentError(`Script task '${node.id}' has no expression`);
    const result = step.evaluate(script.expression, step.visibleVariables(ei.id), node);
    if (script.resultVariable) step.setVariable(ei.parentId, script.resultVariable, result ?? null);
    step.transitions.complete(ei);
  },
};
