import { newId } from './ids.js';
import { StateTransitions } from './state-transitions.js';
import type { FlowNode, ProcessGraph, Expression } from '../bpmn/graph.js';
import type { ElementInstanceRecord, HistoryRecord, InstanceRecord, JobRecord } from '../store/records.js';
import type { EngineStore } from '../store/engine-store.js';
import type { ChangeSet } from '../store/change-set.js';
import type { ActivityEndKind, HistoryKind } from '../store/history-entry.js';
import { evaluate, evaluateCondition, ExpressionError, type EvaluationContext } from '../expressions/index.js';
import { isFinal } from './lifecycle.js';
import { VariableError, type Variables } from './variables.js';
import { ScopeVariables } from './scope-variables.js';
import { jobOf, jobRecord } from './job-records.js';
import { fireReadyJoins } from './joins.js';
import type { Effect } from './effects.js';
import type { DecisionService } from './decisions.js';
import { IncidentError } from './errors.js';
import { ConditionError, failsLikeCamunda7, synchronousFailure } from './synchronous-failure.js';
import type { ElementProcessor, ProcessorTable } from './processors/processor.js';
import { compiledNodeOf, isLoopBodyKind, processorKindOf } from './element-kind.js';
import { hasConditionalEvents } from './conditional-graph.js';
import { DEFAULT_BUDGETS, type EngineBudgets } from './budgets.js';

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
  store: EngineStore;
  /** the change set of the command running now */
  changes(): ChangeSet;
  /** true when the running command rolls back on a failure instead of raising an incident (Camunda 7's REST API) */
  rollbackOnFailure?(): boolean;
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
 * Past maxStepOperations new tokens are parked (see StateTransitions.enter), so a step ends soon after; this
 * is only the backstop should some operation keep scheduling others without entering an element.
 */
const BACKSTOP_OPERATIONS_FACTOR = 2;

interface Operation {
  ei: ElementInstance | null;
  run: () => void;
}

/**
 * One command applied to one process instance: loads its element instances and variables, runs
 * the processors until every token waits or ends, then writes what changed. The caller wraps it
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
  /** element instances that reached a final state in this step (each does once) */
  private readonly removed: ElementInstance[] = [];
  /** the instance's variables by scope */
  readonly variables: ScopeVariables;
  /** the only way element instances move and flows are taken (state-transitions.ts) */
  readonly transitions: StateTransitions;
  private readonly agenda: Operation[] = [];
  /** next operation to run: a moving index, because shift() on a long agenda is O(n) per call */
  private agendaHead = 0;
  private readonly history: HistoryRecord[] = [];
  /** activation rows not yet written, so an element entered and left in one step writes one row */
  private readonly pendingActivation = new Map<string, HistoryRecord>();
  /** handler work items created in this step, invoked after the commit (made on first use: most steps create none) */
  private pendingJobs: Map<string, { job: JobRecord; ei: ElementInstance }> | undefined;
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
    this.transitions = new StateTransitions(this);
    // conditional events listen to variable changes; processes without them pay nothing more; a suspended instance does not move
    if (hasConditionalEvents(this.graph) && !instance.suspended) this.variables.onChange = (scope, name, event) => services.processors.conditionalEvent.variableChanged(this, scope, name, event);
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
      // spelled out, not spread: every element instance then has one shape, and an object spread of records from several origins is slow
      step.track({
        id: record.id,
        instanceId: record.instanceId,
        parentId: record.parentId,
        elementId: record.elementId,
        state: record.state,
        data: record.data,
        startedAt: record.startedAt,
        persisted: true,
        changed: false,
      });
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
  loopBodyOf(ei: ElementInstance): ElementInstance | undefined {
    const parent = ei.parentId === null ? undefined : this.eis.get(ei.parentId);
    return parent && isLoopBodyKind(this.node(parent).kind) ? parent : undefined;
  }

  /** The processor an element instance runs with. */
  processor(ei: ElementInstanceRecord): ElementProcessor {
    const node = this.node(ei);
    const processor: ElementProcessor | undefined = this.services.processors[processorKindOf(node)];
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
    // an emptied scope keeps its (empty) map: a step is short, and dropping it would only make it again
    inScope?.delete(ei.id);
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
        // Camunda 7's REST API: the failure rolls the command back instead of waiting as an incident
        if (this.services.rollbackOnFailure?.() && failsLikeCamunda7(error)) throw synchronousFailure(error, ei.elementId);
        const type = error instanceof IncidentError ? error.incidentType : 'failedExecution';
        this.raiseIncident(ei, type, error.message);
      } else {
        throw error;
      }
    }
  }

  // ---------------------------------------------------------------- element instances (moved by `transitions`)

  /** A new element instance (StateTransitions.enter). */
  addElementInstance(ei: ElementInstance): void {
    this.track(ei);
  }

  /** An element instance reached a final state (StateTransitions.finish): its row goes at flush. */
  removeElementInstance(ei: ElementInstance): void {
    this.untrack(ei);
    this.removed.push(ei);
  }

  /** Past this many operations new tokens are parked with an incident (a loop without a wait state). */
  get operationBudgetReached(): boolean {
    return this.operations >= this.budgets.maxStepOperations;
  }

  /** The instance ended (StateTransitions.endInstance); its row is updated at flush. */
  markInstanceEnded(state: 'completed' | 'terminated', endElementId: string | null): void {
    this.instance.state = state;
    this.instance.endedAt = this.now;
    this.instance.endElementId = endElementId;
    this.instanceChanged = true;
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
    try {
      return evaluateCondition(expression, variables, this.evaluationContext(node));
    } catch (error) {
      throw error instanceof ExpressionError ? new ConditionError(error) : error;
    }
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
    if (handled) (this.pendingJobs ??= new Map()).set(job.id, { job, ei });
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
    this.pendingJobs?.delete(jobId);
  }

  /** Withdraws every job an element instance holds; `engineJobsOnly` keeps its handler work item. */
  cancelJobsOf(ei: ElementInstance, engineJobsOnly = false): void {
    this.changes.add({ kind: 'deleteJobsOfElementInstance', instanceId: ei.instanceId, elementInstanceId: ei.id, engineJobsOnly });
    if (!engineJobsOnly && this.pendingJobs) for (const [id, pending] of this.pendingJobs) if (pending.ei.id === ei.id) this.pendingJobs.delete(id);
  }

  /** The instance ended: every job it holds goes, including handler work items not yet invoked. */
  cancelJobsOfInstance(): void {
    this.changes.add({ kind: 'deleteJobsOfInstance', instanceId: this.instance.id });
    this.pendingJobs?.clear();
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

  /** The element was activated; the row waits, so an element entered and left in one step writes one row. */
  recordActivityStarted(ei: ElementInstance, node: FlowNode): void {
    const row: HistoryRecord = this.historyRow('activityStarted', ei, node);
    this.pendingActivation.set(ei.id, row);
    this.history.push(row);
  }

  /** The element completed or was terminated. */
  recordActivityEnded(ei: ElementInstance, node: FlowNode, kind: ActivityEndKind): void {
    const pending = this.pendingActivation.get(ei.id);
    if (pending) {
      // entered and left within this step: one row with both times
      pending.kind = kind;
      pending.at = this.now;
      // left in the map (cleared at flush): an element instance ends once, and a delete would only shrink the map
    } else {
      this.history.push(this.historyRow(kind, ei, node));
    }
  }

  recordHistory(row: Omit<HistoryRecord, 'instanceId' | 'at'>): void {
    this.history.push({ actor: this.actor, ...row, instanceId: this.instance.id, at: this.now });
  }

  // ---------------------------------------------------------------- writing

  /** Appends everything this step changed to the command's change set (the store applies it). */
  flush(): void {
    const changes = this.changes;
    for (const ei of this.removed) if (ei.persisted) changes.add({ kind: 'deleteElementInstance', instanceId: ei.instanceId, id: ei.id });
    this.removed.length = 0;
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
    if (this.pendingJobs) {
      for (const { job, ei } of this.pendingJobs.values()) {
        this.effects.push({ kind: 'invoke', job, variables: this.visibleVariables(ei.id), businessKey: this.instance.businessKey });
      }
      this.pendingJobs.clear();
    }
  }
}

/** The row of an element instance (its data is copied: the step goes on changing its own). */
function toRecord(ei: ElementInstance): ElementInstanceRecord {
  return { id: ei.id, instanceId: ei.instanceId, parentId: ei.parentId, elementId: ei.elementId, state: ei.state, data: ei.data, startedAt: ei.startedAt };
}
