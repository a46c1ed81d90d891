import { newId } from './ids.js';
import type { FlowNode, ProcessGraph, Expression } from '../bpmn/graph.js';
import type { ElementInstanceRecord, HistoryRecord, InstanceRecord, JobRecord } from '../store/records.js';
import type { RuntimeStore } from '../store/runtime-store.js';
import type { ChangeSet } from '../store/change-set.js';
import type { ActivityEndKind, HistoryKind } from '../store/history-entry.js';
import { evaluate, evaluateCondition, ExpressionError, type EvaluationContext } from '../expressions/index.js';
import { nextState, isFinal, type LifecycleEvent } from './lifecycle.js';
import { VariableError, type Variables } from './variables.js';
import { ScopeVariables } from './scope-variables.js';
import { selectFlows } from './outgoing-flows.js';
import { jobOf, jobRecord } from './job-records.js';
import { fireReadyJoins } from './joins.js';
import type { Effect } from './effects.js';
import type { DecisionService } from './decisions.js';
import { IncidentError } from './errors.js';
import type { ElementProcessor, ProcessorTable } from './processors/processor.js';
import { compiledNodeOf } from './element-kind.js';
import { armBoundaryEvents, releaseEventTriggers } from './events/arming.js';
import { DEFAULT_BUDGETS, chainedContinuationsExceeded, stepOperationsExceeded, type EngineBudgets } from './budgets.js';

/** An element instance as a step holds it in memory. */
export interface ElementInstance extends ElementInstanceRecord {
  /** has a row in element_instances */
  persisted: boolean;
  /** state or data changed since loaded */
  changed: boolean;
}

/** What a step needs from the engine around it. */
export interface StepServices {
  /** reads; every write goes to the running command's change set */
  store: RuntimeStore;
  /** the change set of the command running now */
  changes(): ChangeSet;
  now(): number;
  graphOf(definitionId: string): ProcessGraph;
  /** true when an in-process handler is registered for the topic */
  isHandled(topic: string): boolean;
  /** the lock owner for jobs this engine runs itself */
  engineId: string;
  handlerLockDuration: number;
  defaultRetries: number;
  /** default time zone for timers */
  timeZone?: string;
  /** one processor per element kind (see processors/table.ts) */
  processors: ProcessorTable;
  /** deployed DMN decisions, for business-rule tasks that call one */
  decisions?: DecisionService;
  /** limits on one step, one multi-instance, one expression (default DEFAULT_BUDGETS) */
  budgets?: EngineBudgets;
}

/**
 * Past maxStepOperations new tokens are parked (see `enter`), so a step ends soon after; this
 * is only the backstop should some operation keep scheduling others without entering an element.
 */
const BACKSTOP_OPERATIONS_FACTOR = 2;

interface Operation {
  ei: ElementInstance | null;
  run: () => void;
}

/**
 * One command applied to one process instance: loads its element instances and variables, runs
 * the behaviours until every token waits or ends, then writes what changed. The caller wraps it
 * in a transaction (savepoint); effects are released only after the commit.
 */
export class Step {
  readonly effects: Effect[] = [];
  readonly now: number;
  readonly graph: ProcessGraph;
  /** where this step writes: the running command's change set */
  readonly changes: ChangeSet;
  private readonly eis = new Map<string, ElementInstance>();
  /** element instances by scope (null = process level), so finding a scope's children does not scan every token */
  private readonly byScope = new Map<string | null, Map<string, ElementInstance>>();
  private readonly removed = new Set<ElementInstance>();
  /** the instance's variables by scope */
  readonly variables: ScopeVariables;
  private readonly agenda: Operation[] = [];
  /** next operation to run: a moving index, because shift() on a long agenda is O(n) per call */
  private agendaHead = 0;
  private readonly history: HistoryRecord[] = [];
  /** activation rows not yet written, so an element entered and left in one step writes one row */
  private readonly pendingActivation = new Map<string, HistoryRecord>();
  private readonly pendingJobs = new Map<string, { job: JobRecord; ei: ElementInstance }>();
  private instanceChanged = false;
  private operations = 0;
  actor: string | null = null;
  /** async continuations run in a row before this step without a real wait state (set by the async job runner) */
  continuationChain = 0;

  private constructor(
    readonly services: StepServices,
    readonly instance: InstanceRecord,
  ) {
    this.now = services.now();
    this.graph = services.graphOf(instance.definitionId);
    this.changes = services.changes();
    this.variables = new ScopeVariables(instance.id, (scopeId) => this.eis.get(scopeId)?.parentId);
  }

  /** A new instance; nothing runs until the caller enters a start event. */
  static create(services: StepServices, instance: InstanceRecord): Step {
    const step = new Step(services, instance);
    step.changes.add({ kind: 'insertInstance', instance: { ...instance } });
    step.recordHistory({ kind: 'instanceStarted', data: instance.businessKey === null ? null : JSON.stringify({ businessKey: instance.businessKey }) });
    return step;
  }

  /** An existing instance, loaded from the store. */
  static load(services: StepServices, instance: InstanceRecord): Step {
    const step = new Step(services, instance);
    for (const record of services.store.elementInstancesOf(instance.id)) {
      step.track({ ...record, persisted: true, changed: false });
    }
    step.variables.load(services.store.variablesOf(instance.id));
    return step;
  }

  get budgets(): EngineBudgets {
    return this.services.budgets ?? DEFAULT_BUDGETS;
  }

  get rootScope(): string {
    return this.instance.id;
  }

  /** The compiled node an element instance runs: for a multi-instance activity, its body or (inside the body) one iteration. */
  node(ei: ElementInstance | ElementInstanceRecord): FlowNode {
    const parentElementId = ei.parentId === null ? undefined : this.eis.get(ei.parentId)?.elementId;
    const node = compiledNodeOf(this.graph, ei, parentElementId);
    if (!node) throw new Error(`Element '${ei.elementId}' is not in process '${this.graph.id}'`);
    return node;
  }

  /** The multi-instance body `ei` is an iteration of, if it is one. */
  private loopBodyOf(ei: ElementInstance): ElementInstance | undefined {
    const parent = ei.parentId === null ? undefined : this.eis.get(ei.parentId);
    return parent && this.node(parent).kind === 'multiInstanceBody' ? parent : undefined;
  }

  /** The processor an element instance runs with. */
  processor(ei: ElementInstanceRecord): ElementProcessor {
    const node = this.node(ei);
    const processor: ElementProcessor | undefined = this.services.processors[node.kind];
    if (!processor) throw new IncidentError(`Element '${node.id}' (${node.type}) cannot run in this engine version`);
    return processor;
  }

  elementInstance(id: string): ElementInstance | undefined {
    return this.eis.get(id);
  }

  elementInstances(): IterableIterator<ElementInstance> {
    return this.eis.values();
  }

  /** Active children of a scope (null = the process level). */
  childrenOf(scopeId: string | null): ElementInstance[] {
    const children: ElementInstance[] = [];
    const inScope = this.byScope.get(scopeId);
    if (inScope) for (const ei of inScope.values()) if (!isFinal(ei.state)) children.push(ei);
    return children;
  }

  private track(ei: ElementInstance): void {
    this.eis.set(ei.id, ei);
    let inScope = this.byScope.get(ei.parentId);
    if (!inScope) {
      inScope = new Map();
      this.byScope.set(ei.parentId, inScope);
    }
    inScope.set(ei.id, ei);
  }

  private untrack(ei: ElementInstance): void {
    this.eis.delete(ei.id);
    const inScope = this.byScope.get(ei.parentId);
    inScope?.delete(ei.id);
    if (inScope?.size === 0) this.byScope.delete(ei.parentId);
  }

  // ---------------------------------------------------------------- running

  schedule(ei: ElementInstance | null, run: () => void): void {
    this.agenda.push({ ei, run });
  }

  /** Runs scheduled operations until every token waits or has ended. */
  drain(): void {
    for (;;) {
      while (this.agendaHead < this.agenda.length) {
        const operation = this.agenda[this.agendaHead++]!;
        if (++this.operations > this.budgets.maxStepOperations * BACKSTOP_OPERATIONS_FACTOR) {
          throw new Error(`Process '${this.graph.id}' ran ${this.operations - 1} operations in one step without reaching a wait state: is there a loop without a wait state?`);
        }
        this.runGuarded(operation.ei, operation.run);
      }
      this.agenda.length = 0;
      this.agendaHead = 0;
      if (!fireReadyJoins(this)) break;
    }
  }

  /** Runs `fn`; a process-level failure becomes an incident on `ei` instead of failing the command. */
  runGuarded(ei: ElementInstance | null, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (ei && (error instanceof ExpressionError || error instanceof VariableError || error instanceof IncidentError)) {
        const type = error instanceof IncidentError ? error.incidentType : 'failedExecution';
        this.raiseIncident(ei, type, error.message);
      } else {
        throw error;
      }
    }
  }

  // ---------------------------------------------------------------- element lifecycle

  transition(ei: ElementInstance, event: LifecycleEvent): void {
    ei.state = nextState(ei.state, event, ei.elementId);
    ei.changed = true;
  }

  /** A token arrives at `node` inside scope `parentId` (over `flowId`): create its element instance and activate it. */
  enter(node: FlowNode, parentId: string | null, flowId?: string, data: ElementInstanceRecord['data'] = {}): ElementInstance {
    const ei: ElementInstance = {
      id: newId(),
      instanceId: this.instance.id,
      parentId,
      elementId: node.id,
      state: 'ready',
      data: flowId === undefined ? data : { ...data, flow: flowId },
      startedAt: this.now,
      persisted: false,
      changed: true,
    };
    this.track(ei);
    if (this.operations >= this.budgets.maxStepOperations) {
      // a loop without a wait state: this token waits as a failed continuation with an incident
      const job = this.createJob('async', ei, node.id, this.now, { phase: 'before', chain: 0 }, 0);
      this.raiseIncident(ei, 'failedJob', stepOperationsExceeded(this.graph.id, node.id, this.budgets.maxStepOperations), job.id);
    } else {
      this.schedule(ei, () => this.activate(ei));
    }
    return ei;
  }

  private activate(ei: ElementInstance): void {
    if (ei.state !== 'ready') return;
    const node = this.node(ei);
    if (node.asyncBefore && !ei.data.asyncBeforeDone) {
      // camunda:asyncBefore: wait for a job, then activate (continueBefore)
      this.continueLater(ei, node, 'before');
      return;
    }
    this.transition(ei, 'ACTIVATE');
    const row: HistoryRecord = this.historyRow('activityStarted', ei, node);
    this.pendingActivation.set(ei.id, row);
    this.history.push(row);
    if (node.io?.inputs.length) {
      // the element's own scope: empty so far, except a multi-instance iteration's element variable and loopCounter
      const visible = this.visibleVariables(ei.id);
      const values = node.io.inputs.map((m) => [m.target, this.evaluate(m.source, visible, node)] as const);
      for (const [name, value] of values) this.setLocalVariable(ei.id, name, value);
    }
    if (node.boundaryEvents?.length) armBoundaryEvents(this, ei, node);
    this.processor(ei).onActivate(this, ei, node);
  }

  /** asyncBefore: the continuation job ran, activate the element now. */
  continueBefore(ei: ElementInstance): void {
    if (ei.state !== 'ready') return;
    ei.data = { ...ei.data, asyncBeforeDone: true };
    ei.changed = true;
    this.schedule(ei, () => this.activate(ei));
  }

  /** asyncAfter: the continuation job ran, leave the element over the flows chosen when it completed. */
  continueAfter(ei: ElementInstance): void {
    if (ei.state !== 'completing') return;
    const node = this.node(ei);
    this.schedule(ei, () => this.leave(ei, node, ei.data.asyncAfterFlows ?? []));
  }

  /**
   * The element's work is done: apply its output mappings, leave it, and send tokens down
   * `flows` (by default the outgoing flows whose conditions hold).
   */
  complete(ei: ElementInstance, flows?: readonly string[]): void {
    const node = this.node(ei);
    const body = this.loopBodyOf(ei);
    this.transition(ei, 'COMPLETE');
    if (node.io?.outputs.length) {
      const visible = this.visibleVariables(ei.id);
      const values = node.io.outputs.map((m) => [m.target, this.evaluate(m.source, visible, node)] as const);
      for (const [name, value] of values) this.setVariable(ei.parentId, name, value);
    }
    // a multi-instance iteration takes no flow: its body counts it and decides
    const taken = body ? [] : flows ?? this.selectOutgoing(node, ei.parentId);
    if (body) this.services.processors.multiInstanceBody.onIterationCompleting(this, body, ei);
    if (node.asyncAfter) {
      // camunda:asyncAfter: release what the element held, wait for a job, then leave (continueAfter)
      releaseEventTriggers(this, ei);
      ei.data = { ...ei.data, asyncAfterFlows: [...taken] };
      this.continueLater(ei, node, 'after');
      return;
    }
    this.leave(ei, node, taken);
  }

  /** An async continuation job; past maxChainedContinuations in a row it waits with an incident instead of running. */
  private continueLater(ei: ElementInstance, node: FlowNode, phase: 'before' | 'after'): void {
    if (this.continuationChain < this.budgets.maxChainedContinuations) {
      this.createJob('async', ei, node.id, this.now, { phase, chain: this.continuationChain });
      return;
    }
    const job = this.createJob('async', ei, node.id, this.now, { phase, chain: 0 }, 0);
    this.raiseIncident(ei, 'failedJob', chainedContinuationsExceeded(this.graph.id, node.id, this.budgets.maxChainedContinuations), job.id);
  }

  private leave(ei: ElementInstance, node: FlowNode, taken: readonly string[]): void {
    const body = this.loopBodyOf(ei);
    this.transition(ei, 'COMPLETED');
    this.finish(ei, node, 'activityCompleted');
    if (body) return this.services.processors.multiInstanceBody.onIterationCompleted(this, body, ei);
    for (const flowId of taken) {
      const flow = this.graph.flows[flowId]!;
      this.enter(this.graph.nodes[flow.target]!, ei.parentId, flowId);
    }
    if (taken.length === 0) this.tokenEnded(ei.parentId, ei.elementId);
  }

  /** Ends an element instance without taking any flow: a token consumed by a join. */
  consume(ei: ElementInstance): void {
    const node = this.node(ei);
    this.transition(ei, 'COMPLETE');
    this.transition(ei, 'COMPLETED');
    this.finish(ei, node, 'activityCompleted');
  }

  /** Cancels an element instance and everything inside it. Does not end the enclosing scope. */
  terminate(ei: ElementInstance): void {
    if (isFinal(ei.state)) return;
    const node = this.node(ei);
    if (ei.state === 'ready') {
      // never activated: it holds nothing but the job it waits for (asyncBefore, or parked past the step budget)
      this.transition(ei, 'WITHDRAW');
      this.cancelJobsOf(ei);
      return this.finish(ei, node, 'activityTerminated');
    }
    for (const child of this.childrenOf(ei.id)) this.terminate(child);
    this.transition(ei, 'TERMINATE');
    this.processor(ei).onTerminate?.(this, ei, node);
    this.transition(ei, 'TERMINATED');
    this.finish(ei, node, 'activityTerminated');
  }

  private finish(ei: ElementInstance, node: FlowNode, kind: ActivityEndKind): void {
    releaseEventTriggers(this, ei);
    if (ei.data.incident) this.changes.add({ kind: 'deleteIncidentsOfElementInstance', elementInstanceId: ei.id });
    this.variables.dropScope(ei.id);
    const pending = this.pendingActivation.get(ei.id);
    if (pending) {
      // entered and left within this step: one row with both times
      pending.kind = kind;
      pending.at = this.now;
      this.pendingActivation.delete(ei.id);
    } else {
      this.history.push({ ...this.historyRow(kind, ei, node), startedAt: ei.startedAt });
    }
    this.untrack(ei);
    this.removed.add(ei);
  }

  /** A token ended inside `scopeId`; when none is left the scope itself completes. */
  tokenEnded(scopeId: string | null, endElementId?: string): void {
    if (this.childrenOf(scopeId).length > 0) return;
    if (scopeId === null) {
      if (this.instance.state === 'active') this.endInstance('completed', endElementId ?? null);
      return;
    }
    const scope = this.eis.get(scopeId);
    if (!scope || scope.state !== 'active') return;
    const node = this.node(scope);
    const processor = this.processor(scope);
    if (processor.onChildrenDone) processor.onChildrenDone(this, scope, node);
    else this.complete(scope);
  }

  /** Ends the whole instance: withdraws every remaining token and releases what they hold. */
  endInstance(state: 'completed' | 'terminated', endElementId: string | null): void {
    for (const ei of this.childrenOf(null)) this.terminate(ei);
    releaseEventTriggers(this, null);
    this.instance.state = state;
    this.instance.endedAt = this.now;
    this.instance.endElementId = endElementId;
    this.instanceChanged = true;
    this.changes.add({ kind: 'deleteJobsOfInstance', instanceId: this.instance.id });
    this.pendingJobs.clear();
    // before the variables go: a calling instance receives them
    this.services.processors.callActivity.reportToCaller(this);
    this.variables.dropScope(this.rootScope);
    this.recordHistory({ kind: state === 'completed' ? 'instanceCompleted' : 'instanceTerminated', elementId: endElementId });
    this.effects.push({ kind: 'instanceEnded', instanceId: this.instance.id, state });
  }

  /** The outgoing flows to take after an element completes: every flow whose condition holds, else the default. */
  selectOutgoing(node: FlowNode, scopeId: string | null): string[] {
    let visible: Variables | undefined;
    return selectFlows(this.graph, node, (flowId) => this.evaluateCondition(this.graph.flows[flowId]!.condition!, (visible ??= this.visibleVariables(scopeId)), node));
  }

  // ---------------------------------------------------------------- variables (see ScopeVariables)

  scopeChain(scopeId: string | null): string[] {
    return this.variables.chain(scopeId);
  }

  visibleVariables(scopeId: string | null): Variables {
    return this.variables.visible(scopeId);
  }

  setLocalVariable(scopeId: string, name: string, value: unknown): void {
    const encoded = this.variables.setLocal(scopeId, name, value);
    this.history.push({
      instanceId: this.instance.id,
      kind: 'variableSet',
      elementInstanceId: scopeId === this.rootScope ? null : scopeId,
      at: this.now,
      actor: this.actor,
      data: JSON.stringify({ name, type: encoded.type, value: encoded.text }),
    });
  }

  /** Camunda's setVariable: updates the nearest scope that has the variable, else the process level. */
  setVariable(fromScope: string | null, name: string, value: unknown): void {
    this.setLocalVariable(this.variables.owningScope(fromScope, name), name, value);
  }

  setVariables(fromScope: string | null, variables: Variables): void {
    for (const [name, value] of Object.entries(variables)) this.setVariable(fromScope, name, value);
  }

  deleteVariable(scopeId: string, name: string): void {
    this.variables.delete(scopeId, name);
  }

  // ---------------------------------------------------------------- expressions

  evaluationContext(node?: FlowNode): EvaluationContext {
    return {
      elementId: node?.id,
      processInstanceId: this.instance.id,
      businessKey: this.instance.businessKey,
      processDefinitionKey: this.instance.definitionKey,
      maxFeelSteps: this.budgets.maxFeelSteps,
    };
  }

  evaluate(expression: Expression, variables: Variables, node?: FlowNode): unknown {
    return evaluate(expression, variables, this.evaluationContext(node));
  }

  evaluateCondition(expression: Expression, variables: Variables, node?: FlowNode): boolean {
    return evaluateCondition(expression, variables, this.evaluationContext(node));
  }

  // ---------------------------------------------------------------- jobs, incidents, history

  /** Creates a work item for a handler topic; runs in-process when a handler is registered, else waits for a worker. */
  createTaskJob(ei: ElementInstance, node: FlowNode, topic: string): JobRecord {
    const handled = this.services.isHandled(topic);
    const job = jobRecord(jobOf('task', this.instance, ei.id, node.id), this.now, {
      topic,
      lockOwner: handled ? this.services.engineId : null,
      lockExpiresAt: handled ? this.now + this.services.handlerLockDuration : null,
      retries: node.job?.retries ?? this.services.defaultRetries,
      priority: node.job?.priority ?? 0,
    });
    this.changes.add({ kind: 'insertJob', job });
    if (handled) this.pendingJobs.set(job.id, { job, ei });
    else this.effects.push({ kind: 'jobAvailable', topic });
    return job;
  }

  /** Creates a durable job of another kind (timer, async continuation) due at `dueAt`. */
  createJob(kind: JobRecord['kind'], ei: ElementInstance | null, elementId: string | null, dueAt: number, payload: unknown, retries = this.services.defaultRetries): JobRecord {
    const job = jobRecord(jobOf(kind, this.instance, ei?.id ?? null, elementId), this.now, {
      dueAt,
      retries,
      payload: payload === undefined ? null : JSON.stringify(payload),
    });
    this.changes.add({ kind: 'insertJob', job });
    this.effects.push({ kind: 'wake', at: dueAt });
    return job;
  }

  /**
   * Withdraws a job and the incident raised on it. An incident is raised on a job only when it ran
   * out of retries, so a caller holding the job row with retries left passes it to spare the look.
   */
  cancelJob(jobId: string, known?: { retries: number }): void {
    this.changes.add({ kind: 'deleteJob', id: jobId, withIncidents: known === undefined || known.retries <= 0 });
    this.pendingJobs.delete(jobId);
  }

  /** Withdraws every job an element instance holds; `engineJobsOnly` keeps its handler work item. */
  cancelJobsOf(ei: ElementInstance, engineJobsOnly = false): void {
    this.changes.add({ kind: 'deleteJobsOfElementInstance', instanceId: ei.instanceId, elementInstanceId: ei.id, engineJobsOnly });
    if (!engineJobsOnly) for (const [id, pending] of this.pendingJobs) if (pending.ei.id === ei.id) this.pendingJobs.delete(id);
  }

  raiseIncident(ei: ElementInstance, type: string, message: string, jobId: string | null = null): void {
    // remembered on the element instance, so ending it only looks for incidents when there are some
    ei.data.incident = true;
    ei.changed = true;
    const id = newId();
    this.changes.add({ kind: 'insertIncident', incident: {
      id,
      type,
      instanceId: this.instance.id,
      definitionId: this.instance.definitionId,
      elementInstanceId: ei.id,
      elementId: ei.elementId,
      jobId,
      message,
      createdAt: this.now,
    } });
    this.recordHistory({ kind: 'incidentCreated', elementInstanceId: ei.id, elementId: ei.elementId, data: JSON.stringify({ id, type, message }) });
    this.effects.push({ kind: 'incident', instanceId: this.instance.id, incidentId: id, message });
  }

  historyRow(kind: HistoryKind, ei: ElementInstance, node: FlowNode): HistoryRecord {
    return {
      instanceId: this.instance.id,
      kind,
      elementInstanceId: ei.id,
      elementId: node.id,
      elementType: node.kind,
      startedAt: ei.startedAt,
      at: this.now,
      actor: this.actor,
      data: ei.parentId === null ? null : JSON.stringify({ parent: ei.parentId }),
    };
  }

  recordHistory(row: Omit<HistoryRecord, 'instanceId' | 'at'>): void {
    this.history.push({ actor: this.actor, ...row, instanceId: this.instance.id, at: this.now });
  }

  // ---------------------------------------------------------------- writing

  /** Appends everything this step changed to the command's change set (the store applies it). */
  flush(): void {
    const changes = this.changes;
    for (const ei of this.removed) if (ei.persisted) changes.add({ kind: 'deleteElementInstance', instanceId: ei.instanceId, id: ei.id });
    this.removed.clear();
    for (const ei of this.eis.values()) {
      if (!ei.changed) continue;
      if (ei.persisted) changes.add({ kind: 'updateElementInstance', instanceId: ei.instanceId, id: ei.id, state: ei.state, data: ei.data });
      else changes.add({ kind: 'insertElementInstance', record: toRecord(ei) });
      ei.persisted = true;
      ei.changed = false;
    }
    this.variables.appendChanges(changes);
    if (this.instanceChanged) {
      changes.add({ kind: 'endInstance', id: this.instance.id, state: this.instance.state, at: this.instance.endedAt ?? this.now, endElementId: this.instance.endElementId });
      this.instanceChanged = false;
    }
    for (const row of this.history) changes.history(row);
    this.history.length = 0;
    this.pendingActivation.clear();
    for (const { job, ei } of this.pendingJobs.values()) {
      this.effects.push({ kind: 'invoke', job, variables: this.visibleVariables(ei.id), businessKey: this.instance.businessKey });
    }
    this.pendingJobs.clear();
  }
}

/** The row of an element instance (its data is copied: the step goes on changing its own). */
function toRecord(ei: ElementInstance): ElementInstanceRecord {
  return { id: ei.id, instanceId: ei.instanceId, parentId: ei.parentId, elementId: ei.elementId, state: ei.state, data: ei.data, startedAt: ei.startedAt };
}
