import { newId } from './ids.js';
import type { FlowNode } from '../bpmn/graph.js';
import type { ElementInstanceRecord } from '../store/records.js';
import type { ActivityEndKind } from '../store/history-entry.js';
import { nextState, isFinal, type LifecycleEvent } from './lifecycle.js';
import type { Variables } from './variables.js';
import { selectFlows } from './outgoing-flows.js';
import { bodyProcessorOf } from './processors/processor.js';
import { armBoundaryEvents, releaseEventTriggers } from './events/arming.js';
import { chainedContinuationsExceeded, stepOperationsExceeded } from './budgets.js';
import { discardCancelledScope, subscribeCompleted } from './compensation/subscriptions.js';
import type { Step, ElementInstance } from './step.js';

/**
 * The state-transition behaviour (cf. Zeebe's BpmnStateTransitionBehavior): the only code that
 * moves an element instance through its lifecycle (lifecycle.ts) and takes sequence flows.
 * Processors decide *when* an element is done; they call these verbs to say so:
 * - `enter`: a token arrives at an element (a scope's start, a boundary event, a link);
 * - `takeFlow`: a token goes down a sequence flow and enters its target;
 * - `complete`: its work is done, leave it over its outgoing flows (or the flows given);
 * - `consume`: a token merged into another at a join, it ends without taking a flow;
 * - `terminate`: cancel it and everything inside it;
 * - `tokenEnded`: a token ended inside a scope, which completes once none is left;
 * - `endInstance`: the whole process instance ends;
 * - `continueBefore` / `continueAfter`: an asyncBefore / asyncAfter job ran.
 * The step owns the element instances, variables, jobs and history these verbs use.
 */
export class StateTransitions {
  constructor(private readonly step: Step) {}

  /** A token arrives at `node` inside scope `parentId` (over `flowId`): create its element instance and activate it. */
  enter(node: FlowNode, parentId: string | null, flowId?: string, data?: ElementInstanceRecord['data']): ElementInstance {
    const step = this.step;
    const ei: ElementInstance = {
      id: newId(),
      instanceId: step.instance.id,
      parentId,
      elementId: node.id,
      state: 'ready',
      data: flowId === undefined ? data ?? {} : data === undefined ? { flow: flowId } : { ...data, flow: flowId },
      startedAt: step.now,
      persisted: false,
      changed: true,
    };
    step.addElementInstance(ei);
    if (step.operationBudgetReached) {
      // a loop without a wait state: this token waits as a failed continuation with an incident
      const job = step.createJob('async', ei, node.id, step.now, { phase: 'before', chain: 0 }, 0);
      step.raiseIncident(ei, 'failedJob', stepOperationsExceeded(step.graph.id, node.id, step.budgets.maxStepOperations), job.id);
    } else {
      step.schedule(ei, () => this.activate(ei));
    }
    return ei;
  }

  /** asyncBefore: the continuation job ran, activate the element now. */
  continueBefore(ei: ElementInstance): void {
    if (ei.state !== 'ready') return;
    ei.data = { ...ei.data, asyncBeforeDone: true };
    ei.changed = true;
    this.step.schedule(ei, () => this.activate(ei));
  }

  /** asyncAfter: the continuation job ran, leave the element over the flows chosen when it completed. */
  continueAfter(ei: ElementInstance): void {
    if (ei.state !== 'completing') return;
    const node = this.step.node(ei);
    this.step.schedule(ei, () => this.leave(ei, node, ei.data.asyncAfterFlows ?? []));
  }

  /**
   * The element's work is done: apply its output mappings, leave it, and send tokens down
   * `flows` (by default the outgoing flows whose conditions hold).
   */
  complete(ei: ElementInstance, flows?: readonly string[]): void {
    const step = this.step;
    const node = step.node(ei);
    const body = step.loopBodyOf(ei);
    this.move(ei, 'COMPLETE');
    if (node.io?.outputs.length) {
      const visible = step.visibleVariables(ei.id);
      const values = node.io.outputs.map((m) => [m.target, step.evaluate(m.source, visible, node)] as const);
      for (const [name, value] of values) step.setVariable(ei.parentId, name, value);
    }
    // a multi-instance iteration takes no flow: its body counts it and decides
    const taken = body ? [] : flows ?? this.selectOutgoing(node, ei.parentId);
    if (body) bodyProcessorOf(step, body).onIterationCompleting(step, body, ei);
    if (node.asyncAfter) {
      // camunda:asyncAfter: release what the element held, wait for a job, then leave (continueAfter)
      releaseEventTriggers(step, ei);
      ei.data = { ...ei.data, asyncAfterFlows: [...taken] };
      this.continueLater(ei, node, 'after');
      return;
    }
    this.leave(ei, node, taken);
  }

  /** Ends an element instance without taking any flow: a token consumed by a join. */
  consume(ei: ElementInstance): void {
    const node = this.step.node(ei);
    this.move(ei, 'COMPLETE');
    this.move(ei, 'COMPLETED');
    this.finish(ei, node, 'activityCompleted');
  }

  /** Cancels an element instance and everything inside it. Does not end the enclosing scope. */
  terminate(ei: ElementInstance): void {
    if (isFinal(ei.state)) return;
    const step = this.step;
    const node = step.node(ei);
    if (ei.state === 'ready') {
      // never activated: it holds nothing but the job it waits for (asyncBefore, or parked past the step budget)
      this.move(ei, 'WITHDRAW');
      step.cancelJobsOf(ei);
      return this.finish(ei, node, 'activityTerminated');
    }
    for (const child of step.childrenOf(ei.id)) this.terminate(child);
    discardCancelledScope(step, ei, node);
    this.move(ei, 'TERMINATE');
    step.processor(ei).onTerminate?.(step, ei, node);
    this.move(ei, 'TERMINATED');
    this.finish(ei, node, 'activityTerminated');
  }

  /** A token ended inside `scopeId`; when none is left the scope itself completes. */
  tokenEnded(scopeId: string | null, endElementId?: string): void {
    const step = this.step;
    const owner = scopeId === null ? undefined : step.elementInstance(scopeId);
    const perToken = owner?.state === 'active' ? step.processor(owner) : undefined;
    if (owner && perToken?.onTokenEnded) return perToken.onTokenEnded(step, owner, step.node(owner), endElementId);
    if (step.childrenOf(scopeId).length > 0) return;
    if (scopeId === null) {
      if (step.instance.state === 'active') this.endInstance('completed', endElementId ?? null);
      return;
    }
    const scope = step.elementInstance(scopeId);
    if (!scope || scope.state !== 'active') return;
    const node = step.node(scope);
    const processor = step.processor(scope);
    if (processor.onChildrenDone) processor.onChildrenDone(step, scope, node);
    else this.complete(scope);
  }

  /** Ends the whole instance: withdraws every remaining token and releases what they hold. */
  endInstance(state: 'completed' | 'terminated', endElementId: string | null): void {
    const step = this.step;
    for (const ei of step.childrenOf(null)) this.terminate(ei);
    releaseEventTriggers(step, null);
    step.markInstanceEnded(state, endElementId);
    step.cancelJobsOfInstance();
    // before the variables go: a calling instance receives them
    step.services.processors.callActivity.reportToCaller(step);
    step.variables.dropScope(step.rootScope);
    step.recordHistory({ kind: state === 'completed' ? 'instanceCompleted' : 'instanceTerminated', elementId: endElementId });
    step.effects.push({ kind: 'instanceEnded', instanceId: step.instance.id, state });
  }

  /** A token goes down sequence flow `flowId` inside scope `parentId`: its target is entered. */
  takeFlow(flowId: string, parentId: string | null, data?: ElementInstanceRecord['data']): ElementInstance {
    const graph = this.step.graph;
    return this.enter(graph.nodes[graph.flows[flowId]!.target]!, parentId, flowId, data);
  }

  /**
   * The outgoing flows to take after an element completes: every flow whose condition holds, else
   * the default (`firstOnly`: the first flow that holds, as an exclusive gateway chooses).
   */
  selectOutgoing(node: FlowNode, scopeId: string | null, firstOnly = false): string[] {
    const step = this.step;
    let visible: Variables | undefined;
    // an inline callback: a named one would be renamed at runtime by the dev loader (esbuild keepNames) on every call
    return selectFlows(step.graph, node, (flowId) => step.evaluateCondition(step.graph.flows[flowId]!.condition!, (visible ??= step.visibleVariables(scopeId)), node), firstOnly);
  }

  private move(ei: ElementInstance, event: LifecycleEvent): void {
    ei.state = nextState(ei.state, event, ei.elementId);
    ei.changed = true;
  }

  private activate(ei: ElementInstance): void {
    if (ei.state !== 'ready') return;
    const step = this.step;
    const node = step.node(ei);
    if (node.asyncBefore && !ei.data.asyncBeforeDone) {
      // camunda:asyncBefore: wait for a job, then activate (continueBefore)
      this.continueLater(ei, node, 'before');
      return;
    }
    this.move(ei, 'ACTIVATE');
    step.recordActivityStarted(ei, node);
    if (node.io?.inputs.length) {
      // the element's own scope: empty so far, except a multi-instance iteration's element variable and loopCounter
      const visible = step.visibleVariables(ei.id);
      const values = node.io.inputs.map((m) => [m.target, step.evaluate(m.source, visible, node)] as const);
      for (const [name, value] of values) step.setLocalVariable(ei.id, name, value);
    }
    if (node.boundaryEvents?.length) armBoundaryEvents(step, ei, node);
    step.processor(ei).onActivate(step, ei, node);
  }

  /** An async continuation job; past maxChainedContinuations in a row it waits with an incident instead of running. */
  private continueLater(ei: ElementInstance, node: FlowNode, phase: 'before' | 'after'): void {
    const step = this.step;
    if (step.continuationChain < step.budgets.maxChainedContinuations) {
      step.createJob('async', ei, node.id, step.now, { phase, chain: step.continuationChain });
      return;
    }
    const job = step.createJob('async', ei, node.id, step.now, { phase, chain: 0 }, 0);
    step.raiseIncident(ei, 'failedJob', chainedContinuationsExceeded(step.graph.id, node.id, step.budgets.maxChainedContinuations), job.id);
  }

  /** Completed: the element ends and its tokens go down `taken` (none: the token ended in its scope). */
  private leave(ei: ElementInstance, node: FlowNode, taken: readonly string[]): void {
    const step = this.step;
    const body = step.loopBodyOf(ei);
    this.move(ei, 'COMPLETED');
    subscribeCompleted(step, ei, node);
    this.finish(ei, node, 'activityCompleted');
    if (body) return bodyProcessorOf(step, body).onIterationCompleted(step, body, ei);
    for (const flowId of taken) this.takeFlow(flowId, ei.parentId);
    if (taken.length === 0) this.tokenEnded(ei.parentId, ei.elementId);
  }

  /** An element instance reached a final state: release what it holds and write its history. */
  private finish(ei: ElementInstance, node: FlowNode, kind: ActivityEndKind): void {
    const step = this.step;
    releaseEventTriggers(step, ei);
    if (ei.data.incident) step.changes.add({ kind: 'deleteIncidentsOfElementInstance', elementInstanceId: ei.id });
    step.variables.dropScope(ei.id);
    step.recordActivityEnded(ei, node, kind);
    step.removeElementInstance(ei);
  }
}
