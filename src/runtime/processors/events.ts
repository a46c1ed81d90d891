import type { ElementProcessor } from './processor.js';
import type { Step, ElementInstance } from '../step.js';
import type { EventType, FlowNode } from '../../bpmn/graph.js';
import type { Variables } from '../variables.js';
import { throwBpmnError } from '../error-propagation.js';
import { applyResult } from './tasks.js';
import { queueSignal } from '../events/signals.js';
import { throwEscalation } from './escalations.js';
import { followLink } from './links.js';
import { expressionFromText } from '../../expressions/index.js';

/** Start events: the instance or scope was already created by whatever triggered it; the token moves on. */
export const startEvent: ElementProcessor = {
  onActivate(step, ei) {
    step.transitions.complete(ei);
  },
};

/**
 * Throw events with an implementation (message end/throw with a topic) run a job first;
 * the rest act at once.
 */
const throwing = {
  onJobCompleted(step: Step, ei: ElementInstance, node: FlowNode, variables: Record<string, unknown>) {
    applyResult(step, ei, node, variables);
    step.transitions.complete(ei);
  },
  onTerminate(step: Step, ei: ElementInstance) {
    step.cancelJobsOf(ei);
  },
};

export const endEvent: ElementProcessor = {
  ...throwing,
  onActivate(step, ei, node) {
    if (node.job) return void step.createTaskJob(ei, node, node.job.topic);
    const type: EventType = node.event?.type ?? 'none';
    switch (type) {
      case 'terminate':
        return terminateScope(step, ei);
      case 'error':
        return throwBpmnError(step, ei, node.event?.errorCode ?? '', errorMessage(step, ei, node));
      case 'signal':
        queueSignal(step, node.event?.signalName ?? '', signalVariables(step, ei, node));
        return step.transitions.complete(ei);
      case 'escalation':
        throwEscalation(step, ei, node.event?.escalationCode);
        // an interrupting catcher may have ended this token already
        if (ei.state === 'active') step.transitions.complete(ei);
        return;
      case 'none':
      case 'message': // with a topic it ran its job above; without one it just ends
      case 'timer':
      case 'link':
      case 'conditional': // never compiled on an end event
        return step.transitions.complete(ei);
      case 'compensation':
      case 'cancel':
        return runsElsewhere(node);
      default:
        return unknownEvent(type);
    }
  },
};

export const intermediateThrowEvent: ElementProcessor = {
  ...throwing,
  onActivate(step, ei, node) {
    if (node.job) return void step.createTaskJob(ei, node, node.job.topic);
    const type: EventType = node.event?.type ?? 'none';
    switch (type) {
      case 'signal':
        queueSignal(step, node.event?.signalName ?? '', signalVariables(step, ei, node));
        break;
      case 'escalation':
        throwEscalation(step, ei, node.event?.escalationCode);
        if (ei.state !== 'active') return;
        break;
      case 'link':
        return followLink(step, ei, node);
      case 'compensation':
      case 'cancel':
        return runsElsewhere(node);
      case 'none':
      case 'message':
      case 'timer':
      case 'error':
      case 'terminate':
      case 'conditional': // never compiled on a throw event
        break;
      default:
        return unknownEvent(type);
    }
    step.transitions.complete(ei);
  },
};

/** Boundary events are entered only when triggered; then they behave like a start of their path. */
export const boundaryEvent: ElementProcessor = {
  onActivate(step, ei) {
    step.transitions.complete(ei);
  },
};

/**
 * Terminate end event: ends every other token in its scope. At the process level that ends the
 * instance; inside a sub-process only that sub-process, which then completes normally.
 */
function terminateScope(step: Step, ei: ElementInstance): void {
  for (const sibling of step.childrenOf(ei.parentId)) if (sibling !== ei) step.transitions.terminate(sibling);
  step.transitions.consume(ei);
  if (ei.parentId === null) step.transitions.endInstance('completed', ei.elementId);
  else step.transitions.tokenEnded(ei.parentId, ei.elementId);
}

/** `camunda:errorMessage`, with `${...}` evaluated in the thrower's scope (Camunda 7). */
function errorMessage(step: Step, ei: ElementInstance, node: FlowNode): string {
  const message = node.event?.errorMessage;
  if (message === undefined) return '';
  const expression = expressionFromText(message);
  if (expression.language === 'literal') return message;
  const value = step.evaluate(expression, step.visibleVariables(ei.id), node);
  return value === null || value === undefined ? '' : String(value);
}

/** The variables a signal carries (`camunda:in` on its definition); undefined when none. */
function signalVariables(step: Step, ei: ElementInstance, node: FlowNode): Variables | undefined {
  const payload = node.event?.signalPayload;
  if (!payload) return undefined;
  const visible = step.visibleVariables(ei.id);
  const variables: Variables = payload.all ? { ...visible } : {};
  for (const mapping of payload.inputs) {
    variables[mapping.target] = mapping.variable !== undefined ? visible[mapping.variable] ?? null : step.evaluate(mapping.source, visible, node) ?? null;
  }
  return variables;
}

/** Compensation throws and cancel ends have processors of their own (see processorKindOf). */
function runsElsewhere(node: FlowNode): never {
  throw new Error(`'${node.id}' (${node.event?.type} event) runs with its own processor`);
}

/** The compiler knows every event type: a new one must be handled above before this compiles. */
function unknownEvent(type: never): never {
  throw new Error(`Unknown event type ${JSON.stringify(type)}`);
}
