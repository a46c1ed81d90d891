import type { FlowNode } from '../../bpmn/graph.js';
import type { Step, ElementInstance } from '../step.js';
import type { Variables } from '../variables.js';

/** Something an element waits for happened: a timer fired, a message or signal arrived. */
export interface EventTrigger {
  kind: 'timer' | 'message' | 'signal' | 'continuation';
  variables?: Variables;
  /** the subscription or job that delivered it */
  sourceId?: string;
  payload?: unknown;
}

/**
 * How one family of BPMN elements behaves (cf. Zeebe's BpmnElementProcessor). The step owns the
 * lifecycle and the tokens; a behaviour decides what entering, finishing and cancelling mean for
 * its elements.
 */
export interface Behaviour {
  /** The element was entered: do its work, then complete it (`step.complete`) or leave it waiting. */
  onActivate(step: Step, ei: ElementInstance, node: FlowNode): void;
  /** The job this element waits for was completed by a handler or a worker. */
  onJobCompleted?(step: Step, ei: ElementInstance, node: FlowNode, variables: Variables): void;
  /** The user task this element waits for was completed. */
  onTaskCompleted?(step: Step, ei: ElementInstance, node: FlowNode, variables: Variables): void;
  /** An event this element waits for occurred. */
  onEvent?(step: Step, ei: ElementInstance, node: FlowNode, trigger: EventTrigger): void;
  /** Scopes: every token inside has ended. */
  onChildrenDone?(step: Step, ei: ElementInstance, node: FlowNode): void;
  /** Inclusive joins: no further token can arrive, so fire. */
  onJoin?(step: Step, ei: ElementInstance, node: FlowNode): void;
  /** The element is being cancelled: release what it holds (jobs, tasks, subscriptions). */
  onTerminate?(step: Step, ei: ElementInstance, node: FlowNode): void;
}
