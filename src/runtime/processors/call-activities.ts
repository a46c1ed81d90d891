/**
 * Call activities: start a separate instance of another process (by key: latest, a version, a
 * version tag, or the caller's deployment) and wait for it.
 *
 * One transaction, as in Camunda 7: the child is created synchronously, in the parent's step (it
 * is a brand-new instance, so nothing else can have it loaded). Everything that flows back — the
 * child completed, the child threw a BPMN error the caller catches — is a `continuation` job on
 * the parent, written in the child's step and run as a follow-up of the same command once that
 * step is written (events/follow-ups.ts): the parent is never loaded inside the child's step, yet
 * it has moved on when the command commits, and a crash loses both or neither.
 * Cancelling the call activity cancels the child (and its children) in the same transaction.
 */
import type { CallActivitySettings, FlowNode, VariableMapping } from '../../bpmn/graph.js';
import type { DefinitionRecord, InstanceRecord, JobRecord } from '../../store/records.js';
import type { CallActivityProcessor } from './processor.js';
import { Step, type ElementInstance } from '../step.js';
import { IncidentError } from '../errors.js';
import { decodeValue, encodeValue, type Variables } from '../variables.js';
import { finishStep, inInstance, type EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import { throwBpmnError } from '../error-propagation.js';
import { throwEscalation } from './escalations.js';
import { insertEngineJob } from '../events/engine-job-records.js';
import { beginInstance } from '../instance-start.js';
import { caughtOnTheWayOut } from '../catchers.js';

/** Deeper call chains are refused with an incident (a process calling itself would never stop). */
export const MAX_CALL_DEPTH = 50;

/** Child steps being cancelled by their parent: they must not report back. */
const cancelledByParent = new WeakSet<Step>();
/** Child steps created in their parent's step: the call activity's element id (the parent row is not written yet). */
const callElementOf = new WeakMap<Step, string>();

type EncodedVariables = Record<string, { type: string; text: string | null }>;

interface ChildEnded {
  type: 'childEnded';
  childId: string;
  state: 'completed' | 'terminated';
  variables: EncodedVariables;
}

interface ChildEscalation {
  type: 'childEscalation';
  childId: string;
  code: string;
  /** the called instance's variables when it threw, for the call activity's camunda:out mappings */
  variables: EncodedVariables;
}

interface ChildError {
  type: 'childError';
  childId: string;
  code: string;
  message: string;
  variables?: EncodedVariables;
}

/** One camunda:in/out mapping: `source="x"` with x undefined passes null, as in Camunda 7. */
function mapped(step: Step, mapping: VariableMapping, variables: Variables, node: FlowNode): unknown {
  if (mapping.variable !== undefined) return variables[mapping.variable] ?? null;
  return step.evaluate(mapping.source, variables, node) ?? null;
}

export const callActivity: CallActivityProcessor = {
  onActivate(step, ei, node) {
    const call = node.callActivity;
    if (!call) throw new IncidentError(`Call activity '${node.id}' has no called element`);
    const visible = step.visibleVariables(ei.id);
    const key = step.evaluate(call.calledElement, visible, node);
    if (typeof key !== 'string' || key === '') throw new IncidentError(`Call activity '${node.id}': the called element evaluated to ${JSON.stringify(key)}, not a process id`);
    const definition = resolveCalled(step, node, call, key);
    checkDepth(step, node);
    const variables: Variables = {};
    if (call.inputAll) Object.assign(variables, visible);
    // Camunda 7 keeps the call activity's input parameters local; Camunda 8 passes its input mappings
    else if (call.passInputMappings) for (const mapping of node.io?.inputs ?? []) variables[mapping.target] = visible[mapping.target];
    for (const mapping of call.inputs) variables[mapping.target] = mapped(step, mapping, visible, node);
    let businessKey: string | null = null;
    if (call.businessKey) {
      const value = step.evaluate(call.businessKey, visible, node);
      businessKey = value === null || value === undefined ? null : String(value);
    }
    const child = startChild(step, ei, node, definition, variables, businessKey);
    ei.data = { ...ei.data, childInstanceId: child.id };
    ei.changed = true;
  },
  onEvent(step, ei, node, trigger) {
    const payload = trigger.payload as ChildEnded;
    if (payload.state !== 'completed') {
      step.raiseIncident(ei, 'calledInstanceCancelled', `The instance '${payload.childId}' called by '${node.id}' was cancelled`);
      return;
    }
    const childVars = decodeVariables(payload.variables);
    // output mappings (zeebe:output) read the child's variables as locals of the call activity
    if (node.io?.outputs.length) for (const [name, value] of Object.entries(childVars)) step.setLocalVariable(ei.id, name, value);
    passOutVariables(step, ei, node, childVars);
    step.transitions.complete(ei);
  },
  onTerminate(step, ei) {
    cancelChild(step, ei);
  },
  reportToCaller: (child) => reportToCaller(child),
  propagateErrorToParent: (child, source, code, message, variables) => propagateErrorToParent(child, source, code, message, variables),
  propagateEscalationToParent: (child, source, code) => propagateEscalationToParent(child, source, code),
};

/** The call activity's camunda:out mappings (or `variables="all"`): the called instance's variables set in the caller's scope. */
function passOutVariables(step: Step, ei: ElementInstance, node: FlowNode, childVars: Variables): void {
  const call = node.callActivity!;
  const out: Variables = {};
  if (call.outputAll) Object.assign(out, childVars);
  for (const mapping of call.outputs) out[mapping.target] = mapped(step, mapping, childVars, node);
  for (const [name, value] of Object.entries(out)) step.setVariable(ei.parentId, name, value);
}

function resolveCalled(step: Step, node: FlowNode, call: CallActivitySettings, key: string): DefinitionRecord {
  const repo = step.services.store.repository;
  const own = repo.getDefinition(step.instance.definitionId);
  const tenantId = own?.tenantId ?? null;
  let definition: DefinitionRecord | undefined;
  let how = '';
  switch (call.binding) {
    case 'version':
      definition = repo.definitionByVersion(key, call.version!, tenantId);
      how = ` in version ${call.version}`;
      break;
    case 'versionTag':
      definition = repo.definitionByVersionTag(key, call.versionTag!, tenantId);
      how = ` with version tag '${call.versionTag}'`;
      break;
    case 'deployment':
      definition = own ? repo.definitionsOfDeployment(own.deploymentId).find((d) => d.key === key) : undefined;
      how = ' in the deployment of the calling process';
      break;
    case 'latest':
      definition = repo.latestDefinition(key, tenantId);
      break;
    default: {
      const unknown: never = call.binding;
      throw new Error(`Unknown binding ${JSON.stringify(unknown)}`);
    }
  }
  if (!definition) {
    throw new IncidentError(`Call activity '${node.id}' calls process '${key}', but no such process is deployed${how}`, 'calledProcessNotFound');
  }
  return definition;
}

function checkDepth(step: Step, node: FlowNode): void {
  // the child would be this deep in its call chain (the root instance is at depth 1)
  let depth = 2;
  let parentId = step.instance.parentInstanceId;
  for (;;) {
    if (depth > MAX_CALL_DEPTH) {
      throw new IncidentError(`Call activity '${node.id}' would nest called processes more than ${MAX_CALL_DEPTH} deep: does a process call itself?`, 'callDepthExceeded');
    }
    if (!parentId) return;
    depth++;
    parentId = step.services.store.getInstance(parentId)?.parentInstanceId ?? null;
  }
}

function startChild(step: Step, ei: ElementInstance, node: FlowNode, definition: DefinitionRecord, variables: Variables, businessKey: string | null): InstanceRecord {
  const graph = step.services.graphOf(definition.id);
  const startId = graph.scope.startEvents.find((id) => (graph.nodes[id]!.event?.type ?? 'none') === 'none');
  if (!startId) throw new IncidentError(`Call activity '${node.id}': process '${definition.key}' has no none start event to be called at`);
  const child = beginInstance(step.services, {
    definition,
    start: graph.nodes[startId]!,
    businessKey,
    variables,
    parentInstanceId: step.instance.id,
    parentElementInstanceId: ei.id,
    actor: step.actor,
    now: step.now,
  });
  // written before the child runs: a call activity inside it walks the call chain through the store
  step.services.store.apply(step.changes);
  callElementOf.set(child, node.id);
  finishStep(child, step.effects, undefined);
  step.recordHistory({ kind: 'calledInstanceStarted', elementInstanceId: ei.id, elementId: node.id, data: JSON.stringify({ childInstanceId: child.instance.id, definitionId: definition.id }) });
  return child.instance;
}

function cancelChild(step: Step, ei: ElementInstance): void {
  const childId = ei.data.childInstanceId;
  if (!childId) return;
  const child = step.services.store.getInstance(childId);
  if (!child || child.state !== 'active') return;
  const childStep = Step.load(step.services, child);
  childStep.actor = step.actor;
  cancelledByParent.add(childStep);
  childStep.recordHistory({ kind: 'instanceCancelled', data: JSON.stringify({ reason: `the calling element '${ei.elementId}' of instance '${step.instance.id}' ended` }) });
  childStep.transitions.endInstance('terminated', null);
  finishStep(childStep, step.effects, undefined);
}

/** A called instance ended on its own, so its caller continues (a follow-up of this command). */
function reportToCaller(step: Step): void {
  const instance = step.instance;
  if (!instance.parentInstanceId || !instance.parentElementInstanceId || cancelledByParent.has(step)) return;
  const payload: ChildEnded = {
    type: 'childEnded',
    childId: instance.id,
    state: instance.state === 'completed' ? 'completed' : 'terminated',
    variables: encodeVariables(step.visibleVariables(null)),
  };
  notifyParent(step, payload);
}

/**
 * A BPMN error nothing in the child catches goes to the call
 * activity when the caller's diagram has a catcher for it there (a boundary event on the call
 * activity or an enclosing sub-process, or an error event sub-process on the way out). Otherwise
 * the incident stays in the child, where the error happened.
 */
function propagateErrorToParent(step: Step, source: ElementInstance, code: string, message: string, variables?: Variables): boolean {
  const instance = step.instance;
  if (!instance.parentInstanceId || !instance.parentElementInstanceId) return false;
  const parent = step.services.store.getInstance(instance.parentInstanceId);
  if (!parent || parent.state !== 'active') return false;
  const callElementId = callElementOf.get(step) ?? step.services.store.subscriptions.elementIdOf(instance.parentElementInstanceId);
  if (!callElementId || !caughtOnTheWayOut(step.services.graphOf(parent.definitionId), callElementId, 'error', code)) return false;
  const payload: ChildError = { type: 'childError', childId: instance.id, code, message, ...(variables ? { variables: encodeVariables(variables) } : {}) };
  step.recordHistory({ kind: 'errorPropagated', elementInstanceId: source.id, elementId: source.elementId, data: JSON.stringify({ code, to: parent.id }) });
  notifyParent(step, payload);
  return true;
}

/**
 * An escalation nothing in the child catches goes to the call activity, as in Camunda 7: when the
 * caller catches it there (a boundary event on the call activity, an event sub-process on the way
 * out), or when the caller has a caller of its own that may (it passes it on). The caller acts in
 * a follow-up of this command, with the child's variables for its camunda:out mappings.
 */
function propagateEscalationToParent(step: Step, source: ElementInstance, code: string): boolean {
  const instance = step.instance;
  if (!instance.parentInstanceId || !instance.parentElementInstanceId || cancelledByParent.has(step)) return false;
  const parent = step.services.store.getInstance(instance.parentInstanceId);
  if (!parent || parent.state !== 'active') return false;
  const callElementId = callElementOf.get(step) ?? step.services.store.subscriptions.elementIdOf(instance.parentElementInstanceId);
  const caughtThere = callElementId !== undefined && caughtOnTheWayOut(step.services.graphOf(parent.definitionId), callElementId, 'escalation', code);
  if (!caughtThere && !parent.parentInstanceId) return false;
  const payload: ChildEscalation = { type: 'childEscalation', childId: instance.id, code, variables: encodeVariables(step.visibleVariables(null)) };
  notifyParent(step, payload);
  return caughtThere;
}

function notifyParent(step: Step, payload: ChildEnded | ChildError | ChildEscalation): void {
  const instance = step.instance;
  const parent = step.services.store.getInstance(instance.parentInstanceId!);
  const job = insertEngineJob(step, step.now, {
    kind: 'continuation',
    instanceId: instance.parentInstanceId!,
    elementInstanceId: instance.parentElementInstanceId!,
    elementId: null,
    definitionId: parent?.definitionId ?? null,
    definitionKey: parent?.definitionKey ?? null,
    payload,
  }, step.effects);
  step.changes.followUp(job.id);
}

function encodeVariables(variables: Variables): EncodedVariables {
  const encoded: EncodedVariables = {};
  for (const [name, value] of Object.entries(variables)) encoded[name] = encodeValue(name, value);
  return encoded;
}

function decodeVariables(encoded: EncodedVariables | undefined): Variables {
  const variables: Variables = {};
  for (const [name, { type, text }] of Object.entries(encoded ?? {})) variables[name] = decodeValue(type, text);
  return variables;
}

/** What the caller does with each note from a called instance, in the caller's step, at the call activity. */
const callerActions: { readonly [K in CallerNote['type']]: (step: Step, ei: ElementInstance, note: Extract<CallerNote, { type: K }>) => void } = {
  // the called instance ended: the call activity completes (or gets an incident when the child was cancelled)
  childEnded: (step, ei, ended) => {
    const node = step.node(ei);
    callActivity.onEvent!(step, ei, node, { kind: 'continuation', payload: ended }, node);
  },
  // a BPMN error the caller catches: thrown at the call activity
  childError: (step, ei, error) => throwBpmnError(step, ei, error.code, error.message, error.variables ? decodeVariables(error.variables) : undefined),
  // an escalation: where the caller catches it at this call activity, camunda:out passes the child's
  // variables first (Camunda 7); then it is thrown at the call activity, whose own boundary events count
  childEscalation: (step, ei, escalation) => {
    const node = step.node(ei);
    if (caughtOnTheWayOut(step.graph, node.id, 'escalation', escalation.code)) passOutVariables(step, ei, node, decodeVariables(escalation.variables));
    throwEscalation(step, ei, escalation.code, true);
  },
};

/** A note from a called instance to its caller, as a continuation job carries it. */
export type CallerNote = ChildEnded | ChildError | ChildEscalation;

export function isCallerNote(payload: { type: string }): payload is CallerNote {
  return Object.hasOwn(callerActions, payload.type);
}

/**
 * Acts on notes for one caller in one step of it, in order, after the children's steps were
 * written (follow-ups, or jobs left from before). A multi-instance call activity whose children
 * all ended in one command loads its instance once, not once per child.
 */
export function runCallerNotes(core: EngineCore, callerId: string | null, notes: ReadonlyArray<{ job: JobRecord; note: CallerNote }>, effects: Effect[]): void {
  const parent = callerId ? core.runtime.getInstance(callerId) : undefined;
  if (!parent || parent.state !== 'active') return;
  inInstance(core, parent.id, effects, (step) => {
    for (const { job, note } of notes) {
      if (step.instance.state !== 'active') return;
      const ei = job.elementInstanceId ? step.elementInstance(job.elementInstanceId) : undefined;
      if (!ei || ei.state !== 'active' || ei.data.childInstanceId !== note.childId) continue;
      const act = callerActions[note.type] as (step: Step, ei: ElementInstance, note: CallerNote) => void;
      step.runGuarded(ei, () => act(step, ei, note));
      step.drain();
    }
  });
}

/** Continuation job: a note from a called instance (see runCallerNotes). */
export function runCallerNote(core: EngineCore, job: JobRecord, payload: { type: string }, effects: Effect[]): void {
  if (!isCallerNote(payload)) throw new Error(`Continuation '${job.id}' is not a note to a caller`);
  runCallerNotes(core, job.instanceId, [{ job, note: payload }], effects);
}
