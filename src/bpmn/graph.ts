/**
 * The compiled, executable form of one BPMN process: plain JSON data, immutable once built.
 * The runtime reads only this; it never touches moddle objects.
 */

import type { FormField } from './form-fields.js';

import type { Expression } from '../expressions/expression.js';
import type { TimerKind } from '../timers/timer-kind.js';

export type { Expression, ExpressionLanguage } from '../expressions/expression.js';
export type { TimerKind } from '../timers/timer-kind.js';

export type NodeKind =
  | 'startEvent'
  | 'endEvent'
  | 'intermediateCatchEvent'
  | 'intermediateThrowEvent'
  | 'boundaryEvent'
  | 'task'
  | 'manualTask'
  | 'serviceTask'
  | 'sendTask'
  | 'businessRuleTask'
  | 'userTask'
  | 'scriptTask'
  | 'receiveTask'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'inclusiveGateway'
  | 'complexGateway'
  | 'eventBasedGateway'
  | 'subProcess'
  /** a sub-process whose inner elements start ad hoc (settings in `adHoc`) */
  | 'adHocSubProcess'
  /** a sub-process with triggeredByEvent: started by its start event, never by a flow */
  | 'eventSubProcess'
  | 'callActivity'
  /** compiled, not drawn: wraps an activity with loop characteristics (see `ProcessGraph.multiInstanceBodies`) */
  | 'multiInstanceBody'
  /** compiled, not drawn: wraps an activity with standard loop characteristics (also in `ProcessGraph.multiInstanceBodies`) */
  | 'standardLoopBody';

export type EventType =
  | 'none'
  | 'message'
  | 'timer'
  | 'error'
  | 'signal'
  | 'terminate'
  | 'escalation'
  | 'link'
  | 'compensation'
  | 'cancel'
  | 'conditional';

export interface TimerDefinition {
  kind: TimerKind;
  expression: Expression;
}

export interface EventDefinition {
  type: EventType;
  /** message events */
  messageName?: string;
  /** Camunda 8 `zeebe:subscription correlationKey` */
  correlationKey?: Expression;
  /** signal events */
  signalName?: string;
  /** signal throw and end events: `camunda:in` on the signal event definition, passed to the receivers */
  signalPayload?: SignalPayload;
  /** error events; `undefined` on a catch event means "catch every error" */
  errorCode?: string;
  errorMessage?: string;
  /** error catch events: where Camunda 7 stores the code and message (`camunda:errorCodeVariable`) */
  errorCodeVariable?: string;
  errorMessageVariable?: string;
  /** escalation events; `undefined` on a catch event means "catch every escalation" */
  escalationCode?: string;
  /** escalation catch events: where Camunda 7 stores the caught code (`camunda:escalationCodeVariable`) */
  escalationCodeVariable?: string;
  /** link events */
  linkName?: string;
  timer?: TimerDefinition;
  /** compensation throw and end events: the one activity to compensate (else every completed one of the scope) */
  activityRef?: string;
  /** compensation throw and end events: wait until every handler completed (default true) */
  waitForCompletion?: boolean;
  /** conditional events: the condition and which variable changes evaluate it */
  conditional?: ConditionalSettings;
}

/** A variable change as `camunda:variableEvents` names it. */
export type VariableEventName = 'create' | 'update' | 'delete';

export interface ConditionalSettings {
  condition: Expression;
  /** `camunda:variableName`: only changes of this variable evaluate the condition */
  variableName?: string;
  /** `camunda:variableEvents`: only these kinds of change evaluate it (all when absent) */
  variableEvents?: VariableEventName[];
}

/** What a thrown signal carries: `camunda:in` mappings, or every variable visible to the thrower. */
export interface SignalPayload {
  inputs: VariableMapping[];
  all: boolean;
}

/** One `camunda:inputParameter` / `zeebe:input` (or output): evaluate `source`, store as `target`. */
export interface VariableMapping {
  target: string;
  source: Expression;
  /** `camunda:in/out source="x"`: a plain variable, passed as null when undefined (not an error) */
  variable?: string;
}

export interface IoMapping {
  inputs: VariableMapping[];
  outputs: VariableMapping[];
}

/** Work done outside the engine: service, send and business-rule tasks; message end/throw events. */
export interface JobSettings {
  /** the handler topic: `camunda:topic`, `zeebe:taskDefinition type`, or the name in `${name}` */
  topic: string;
  /** total attempts before an incident; from `camunda:failedJobRetryTimeCycle` or `zeebe:taskDefinition retries` */
  retries?: number;
  /** ISO 8601 duration between attempts, from `R5/PT1M`-style cycles */
  retryDelay?: string;
  /** `camunda:taskPriority` */
  priority?: number;
  /** static headers (`zeebe:taskHeaders`, `camunda:properties`) passed to the handler */
  headers?: Record<string, string>;
}

export interface UserTaskSettings {
  assignee?: Expression;
  candidateUsers?: Expression;
  candidateGroups?: Expression;
  formKey?: string;
  /** Camunda 7 `camunda:formRef` / Camunda 8 `zeebe:formDefinition formId` */
  formRef?: string;
  /** Camunda 7 generated form (`camunda:formData`) */
  formFields?: FormField[];
  dueDate?: Expression;
  followUpDate?: Expression;
  priority?: Expression;
}

export interface ScriptSettings {
  expression: Expression;
  resultVariable?: string;
}

export interface CallActivitySettings {
  calledElement: Expression;
  binding: 'latest' | 'version' | 'versionTag' | 'deployment';
  version?: number;
  versionTag?: string;
  /** Camunda 7 `camunda:in`; `all` = pass every variable */
  inputs: VariableMapping[];
  inputAll: boolean;
  /** Camunda 8: the call activity's input mappings are the child's variables (in Camunda 7 they stay local) */
  passInputMappings?: boolean;
  outputs: VariableMapping[];
  outputAll: boolean;
  businessKey?: Expression;
}

/** A business-rule task that evaluates a deployed DMN decision (instead of a job). */
export interface DecisionSettings {
  /** C7 `camunda:decisionRef` (text or `${...}`), C8 `zeebe:calledDecision decisionId` (text or `=...`) */
  decisionRef: Expression;
  binding: 'latest' | 'deployment' | 'version' | 'versionTag';
  version?: number;
  versionTag?: string;
  tenantId?: string;
  resultVariable?: string;
  /**
   * What lands in the result variable: Camunda 7's `camunda:mapDecisionResult` (default
   * resultList), or `output` for Camunda 8 (the decision's output: value, context or list).
   */
  resultMapping: 'singleEntry' | 'singleResult' | 'collectEntries' | 'resultList' | 'output';
}

export interface MultiInstanceSettings {
  sequential: boolean;
  loopCardinality?: Expression;
  collection?: Expression;
  elementVariable?: string;
  completionCondition?: Expression;
  outputCollection?: string;
  outputElement?: Expression;
  /**
   * Camunda 7 `camunda:asyncBefore`/`asyncAfter` on the loop characteristics: the body waits for a
   * job (the same attributes on the activity make each iteration wait, as in Camunda 7)
   */
  asyncBefore?: boolean;
  asyncAfter?: boolean;
}

/** `bpmn:standardLoopCharacteristics` (BPMN 2.0 §13.3.6): the activity repeats while its condition holds. */
export interface StandardLoopSettings {
  /** true: test the condition before each iteration (while); false: after each one (do-while) */
  testBefore: boolean;
  /** sees `loopCounter`, the number of iterations completed so far */
  loopCondition?: Expression;
  /** at most this many iterations */
  loopMaximum?: number;
}

/** `bpmn:adHocSubProcess` (BPMN 2.0 §10.3.5 / §13.3.5) with Camunda 8's `zeebe:adHoc`. */
export interface AdHocSettings {
  /**
   * `bpmn`: the Camunda 7 / BPMN reading, every inner element without an incoming flow is
   * enabled when the sub-process starts; `zeebe`: only the ids `activeElementsCollection` names
   * (and those activated later over `/v2`); `jobWorker`: a job (`zeebe:taskDefinition`, in
   * `node.job`) whose worker's job result says what to start and when it is done.
   */
  activation: 'bpmn' | 'zeebe' | 'jobWorker';
  /** inner elements that can be activated: those without incoming flows (boundary events and event sub-processes aside) */
  activatable: string[];
  /** Camunda 8 `zeebe:adHoc activeElementsCollection`: a list of element ids */
  activeElementsCollection?: Expression;
  /** evaluated each time an inner flow ends; true completes the sub-process */
  completionCondition?: Expression;
  /** when the completion condition holds: cancel the inner elements still running (default) or wait for them */
  cancelRemainingInstances: boolean;
  /** `Sequential`: one inner element at a time (BPMN `ordering`); Camunda 8 runs them in parallel */
  ordering: 'Parallel' | 'Sequential';
  /** `zeebe:adHoc outputCollection` / `outputElement`: one entry per inner flow that ended */
  outputCollection?: string;
  outputElement?: Expression;
}

export interface FlowNode {
  id: string;
  kind: NodeKind;
  /** the BPMN element type as written, e.g. `bpmn:ServiceTask` */
  type: string;
  name?: string;
  /** the first `<documentation>` text (a user task's description) */
  documentation?: string;
  /** the enclosing sub-process id, or null at the process level */
  parent: string | null;
  incoming: string[];
  outgoing: string[];
  defaultFlow?: string;
  /** complex gateways: when the join fires (sees `activationCount`, the incoming flows holding a token) */
  activationCondition?: Expression;
  event?: EventDefinition;
  /** boundary events */
  attachedTo?: string;
  cancelActivity?: boolean;
  /** start events of event sub-processes: `isInterrupting` (default true) */
  interrupting?: boolean;
  /** activities: the boundary events attached to them */
  boundaryEvents?: string[];
  /** activities with a compensation boundary event: the handler associated with it */
  compensationHandler?: string;
  /** `isForCompensation`: a compensation handler, run only by a compensation throw */
  isForCompensation?: boolean;
  asyncBefore?: boolean;
  asyncAfter?: boolean;
  job?: JobSettings;
  userTask?: UserTaskSettings;
  script?: ScriptSettings;
  io?: IoMapping;
  callActivity?: CallActivitySettings;
  decision?: DecisionSettings;
  multiInstance?: MultiInstanceSettings;
  standardLoop?: StandardLoopSettings;
  /** elements inside an ad-hoc sub-process: `zeebe:properties`, offered to its workers in `adHocSubProcessElements` */
  properties?: Record<string, string>;
  /** ad-hoc sub-processes */
  adHoc?: AdHocSettings;
  /** sub-processes: their start events and event sub-processes */
  scope?: ScopeSettings;
  /** position of the element's start tag in the XML */
  line?: number;
  column?: number;
}

export interface ScopeSettings {
  /** true for an event sub-process */
  triggeredByEvent: boolean;
  /** start events directly inside this scope */
  startEvents: string[];
  /** event sub-processes directly inside this scope */
  eventSubProcesses: string[];
  /** `bpmn:transaction`: a cancel end event inside compensates it and leaves by its cancel boundary event */
  transaction?: boolean;
  /** the event sub-process with a compensation start event: the scope's compensation handler */
  compensationEventSubProcess?: string;
}

export interface SequenceFlow {
  id: string;
  name?: string;
  source: string;
  target: string;
  condition?: Expression;
}

export interface ProcessGraph {
  /** the process id in the XML = the definition key */
  id: string;
  name?: string;
  versionTag?: string;
  /** `camunda:candidateStarterGroups` etc. are ignored; these are what the runtime needs */
  nodes: Record<string, FlowNode>;
  flows: Record<string, SequenceFlow>;
  /** start events and event sub-processes at the process level */
  scope: ScopeSettings;
  /**
   * For each inclusive or complex gateway that joins (more than one incoming flow): the ids of the
   * nodes from which a token can still reach it, within the same scope. A join waits only for those.
   */
  inclusiveJoinSources: Record<string, string[]>;
  /**
   * For each activity with multi-instance loop characteristics, keyed by its id: the body that
   * wraps it (kind `multiInstanceBody`, same id, as in Zeebe). Tokens arriving over the activity's
   * flows enter the body; the body holds the flows, boundary events, async continuations and loop
   * settings, and runs `nodes[id]` once per iteration, each iteration a child of the body.
   * Absent in graphs stored before bodies were compiled (upgraded when loaded).
   */
  multiInstanceBodies?: Record<string, FlowNode>;
}

export interface Problem {
  message: string;
  elementId?: string;
  elementType?: string;
  line?: number;
  column?: number;
}

export interface CompileResult {
  processes: ProcessGraph[];
  errors: Problem[];
  warnings: Problem[];
}
