import type { FlowNode, NodeKind, VariableEventName } from '../../bpmn/graph.js';
import type { Step, ElementInstance } from '../step.js';
import type { Variables } from '../variables.js';

/** Something an element waits for happened: a timer fired, a message or signal arrived. */
export interface EventTrigger {
  kind: 'timer' | 'message' | 'signal' | 'continuation' | 'conditional';
  variables?: Variables;
  /** the subscription or job that delivered it */
  sourceId?: string;
  payload?: unknown;
}

/**
 * How one kind of BPMN element behaves (cf. Zeebe's BpmnElementProcessor). The state-transition
 * behaviour (state-transitions.ts) owns the lifecycle and the tokens; a processor decides what
 * entering, finishing and cancelling mean for its elements, and moves them only through
 * `step.transitions` (`complete`, `enter`, `takeFlow`, `terminate`, ...).
 */
export interface ElementProcessor {
  /** The element was entered: do its work, then complete it (`step.transitions.complete`) or leave it waiting. */
  onActivate(step: Step, ei: ElementInstance, node: FlowNode): void;
  /**
   * The job this element waits for was completed by a handler or a worker. `result`: a Camunda 8
   * job result (`{ type: 'adHocSubProcess', ... }`), offered only to ad-hoc sub-processes.
   */
  onJobCompleted?(step: Step, ei: ElementInstance, node: FlowNode, variables: Variables, result?: unknown): void;
  /** The user task this element waits for was completed. */
  onTaskCompleted?(step: Step, ei: ElementInstance, node: FlowNode, variables: Variables): void;
  /** An event this element waits for occurred (`eventNode`: the catch element that fired, for gateways). */
  onEvent?(step: Step, ei: ElementInstance, node: FlowNode, trigger: EventTrigger, eventNode: FlowNode): void;
  /**
   * Scopes that decide per token (ad-hoc sub-processes): a token inside ended (`endElementId`
   * was its last element). Replaces the "every token ended" check of `onChildrenDone`.
   */
  onTokenEnded?(step: Step, ei: ElementInstance, node: FlowNode, endElementId?: string): void;
  /** Scopes: every token inside has ended. */
  onChildrenDone?(step: Step, ei: ElementInstance, node: FlowNode): void;
  /**
   * Joins that wait for "no other token can arrive" (inclusive, complex): none can any more.
   * `ei` is the oldest token waiting at the join in its scope. Returns whether anything moved.
   */
  onJoin?(step: Step, ei: ElementInstance, node: FlowNode): boolean;
  /** The element is being cancelled: release what it holds (jobs, tasks, subscriptions). */
  onTerminate?(step: Step, ei: ElementInstance, node: FlowNode): void;
}

/** The multi-instance body: runs its activity once per iteration, counts them and decides when it is done. */
export interface MultiInstanceBodyProcessor extends ElementProcessor {
  /** an iteration (a child of `body`) is completing: collect its output element before its variables go */
  onIterationCompleting(step: Step, body: ElementInstance, iteration: ElementInstance): void;
  /** an iteration completed: count it, start the next one or complete the body */
  onIterationCompleted(step: Step, body: ElementInstance, iteration: ElementInstance): void;
}

/** An error caught by nothing in a scope's boundary events may start an event sub-process there. */
export interface EventSubProcessProcessor extends ElementProcessor {
  /** a scope was entered (null = the process level): arm the starts of its event sub-processes */
  armScope(step: Step, scopeEi: ElementInstance | null): void;
  /** an error reached the scope: an error event sub-process there takes it (true when one did) */
  catchError(step: Step, scopeEi: ElementInstance | null, code: string, message: string, variables?: Variables): boolean;
}

/**
 * Conditional events: runs the conditional intermediate catch event, and, for every conditional
 * event (catch, boundary, event sub-process start, event-based gateway branch), evaluates the
 * condition when it is armed and when a variable it can see changes.
 */
export interface ConditionalEventProcessor extends ElementProcessor {
  /** `eventNode` was armed, held by `holder` (null = the process level): evaluate it once its holder's activation is done */
  arm(step: Step, holder: ElementInstance | null, eventNode: FlowNode): void;
  /** the one hook of the variable-setting path: a variable of scope `scopeId` was created, updated or deleted */
  variableChanged(step: Step, scopeId: string, name: string, event: VariableEventName): void;
}

/** Call activities also speak for the called instance: how it reports back to its caller. */
export interface CallActivityProcessor extends ElementProcessor {
  /** a called instance ended: tell its caller (durably, by a job) */
  reportToCaller(child: Step): void;
  /** an error nothing in the called instance catches: hand it to the caller when it catches it there */
  propagateErrorToParent(child: Step, source: ElementInstance, code: string, message: string, variables?: Variables): boolean;
  /** an escalation nothing in the called instance catches: hand it to the caller's call activity (true when it is caught there) */
  propagateEscalationToParent(child: Step, source: ElementInstance, code: string): boolean;
}

/** Kinds an element instance can run as: the compiled node kinds (the multi-instance body and the event sub-process among them) plus transactions, compensation throws, cancel ends and the conditional catch event. */
export type ProcessorKind = NodeKind | 'compensationThrowEvent' | 'cancelEndEvent' | 'transaction' | 'conditionalEvent';

/**
 * One processor per compiled kind (the multi-instance body and the event sub-process among them),
 * passed to the engine: a kind without a processor is a compile error, not a silently stuck token.
 */
export type ProcessorTable = Readonly<Record<Exclude<ProcessorKind, 'multiInstanceBody' | 'standardLoopBody' | 'eventSubProcess' | 'callActivity' | 'conditionalEvent'>, ElementProcessor>> & {
  readonly multiInstanceBody: MultiInstanceBodyProcessor;
  /** a standard loop's body speaks to its iterations as a multi-instance body to its inner instances */
  readonly standardLoopBody: MultiInstanceBodyProcessor;
  readonly conditionalEvent: ConditionalEventProcessor;
  readonly eventSubProcess: EventSubProcessProcessor;
  readonly callActivity: CallActivityProcessor;
};

/** The body an inner instance of `node` reports to (see element-kind.ts). */
export function bodyProcessorOf(step: Step, body: ElementInstance): MultiInstanceBodyProcessor {
  const { processors } = step.services;
  return step.node(body).kind === 'standardLoopBody' ? processors.standardLoopBody : processors.multiInstanceBody;
}
