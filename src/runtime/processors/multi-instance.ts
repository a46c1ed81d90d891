/**
 * Multi-instance activities (tasks, sub-processes, call activities), parallel and sequential.
 * The element instance entered over the incoming flow is the *body*; it creates one *inner*
 * instance of the same element per item (`data.loopCounter` tells them apart). The body holds
 * `nrOfInstances`, `nrOfActiveInstances`, `nrOfCompletedInstances`; each inner one holds
 * `loopCounter` and the element variable. Boundary events belong to the body; input/output
 * mappings and the element's own behaviour to the inner instances.
 */
import type { FlowNode } from '../../bpmn/graph.js';
import type { MultiInstanceBodyProcessor } from './processor.js';
import type { Step, ElementInstance } from '../step.js';
import { IncidentError } from '../errors.js';

export const multiInstanceBody: MultiInstanceBodyProcessor = {
  onActivate(step, body, node) {
    const mi = node.multiInstance!;
    const visible = step.visibleVariables(body.id);
    let items: unknown[] | undefined;
    let total: number;
    if (mi.collection) {
      const value = step.evaluate(mi.collection, visible, node);
      if (!Array.isArray(value)) {
        throw new IncidentError(`Multi-instance collection of '${node.id}' (${mi.collection.source}) must be a list, but it is ${describe(value)}`);
      }
      items = value;
      total = value.length;
    } else {
      const value = step.evaluate(mi.loopCardinality!, visible, node);
      const count = typeof value === 'string' ? Number(value) : value;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        throw new IncidentError(`Loop cardinality of '${node.id}' (${mi.loopCardinality!.source}) must be a non-negative integer, but it is ${describe(value)}`);
      }
      total = count;
    }
    checkMultiInstanceBudget(step, node, total);
    body.data = {
      ...body.data,
      mi: { total, completed: 0, active: 0, next: 0, ...(items ? { items } : {}), ...(mi.outputCollection ? { output: new Array(total).fill(null) } : {}) },
    };
    body.changed = true;
    step.setLocalVariable(body.id, 'nrOfInstances', total);
    step.setLocalVariable(body.id, 'nrOfActiveInstances', 0);
    step.setLocalVariable(body.id, 'nrOfCompletedInstances', 0);
    if (total === 0) return finishBody(step, body, node);
    const now = mi.sequential ? 1 : total;
    for (let i = 0; i < now; i++) startInner(step, body, node);
  },
  onInnerCompleting: (step, inner, node) => collectInnerOutput(step, inner, node),
  onInnerCompleted: (step, inner, node) => innerCompleted(step, inner, node),
};

/** Beyond the engine's budgets a multi-instance is an incident before any inner instance exists. */
function checkMultiInstanceBudget(step: Step, node: FlowNode, total: number): void {
  const { maxMultiInstanceCardinality, maxParallelFanOut } = step.budgets;
  if (total > maxMultiInstanceCardinality) {
    throw new IncidentError(`Multi-instance '${node.id}' would have ${total} instances: the engine allows at most ${maxMultiInstanceCardinality} (budget maxMultiInstanceCardinality)`);
  }
  if (!node.multiInstance!.sequential && total > maxParallelFanOut) {
    throw new IncidentError(`Parallel multi-instance '${node.id}' would start ${total} instances at once: the engine allows at most ${maxParallelFanOut} (budget maxParallelFanOut); make it sequential or split the collection`);
  }
}

function startInner(step: Step, body: ElementInstance, node: FlowNode): void {
  const state = body.data.mi!;
  const index = state.next++;
  state.active++;
  body.changed = true;
  step.setLocalVariable(body.id, 'nrOfActiveInstances', state.active);
  const inner = step.transitions.enter(node, body.id, undefined, { loopCounter: index });
  step.setLocalVariable(inner.id, 'loopCounter', index);
  const elementVariable = node.multiInstance!.elementVariable;
  if (elementVariable && state.items) step.setLocalVariable(inner.id, elementVariable, state.items[index] ?? null);
}

/** Before an inner instance's variables go: its output element (C8 `outputElement`). */
function collectInnerOutput(step: Step, inner: ElementInstance, node: FlowNode): void {
  const mi = node.multiInstance!;
  if (!mi.outputCollection || !mi.outputElement || inner.parentId === null) return;
  const body = step.elementInstance(inner.parentId);
  if (!body?.data.mi?.output) return;
  const value = step.evaluate(mi.outputElement, step.visibleVariables(inner.id), node);
  body.data.mi.output[inner.data.loopCounter!] = value === undefined ? null : value;
  body.changed = true;
}

/** An inner instance completed: count it, check the completion condition, start the next or finish. */
function innerCompleted(step: Step, inner: ElementInstance, node: FlowNode): void {
  const body = inner.parentId === null ? undefined : step.elementInstance(inner.parentId);
  if (!body || body.state !== 'active' || !body.data.mi) return;
  const state = body.data.mi;
  state.active--;
  state.completed++;
  body.changed = true;
  step.setLocalVariable(body.id, 'nrOfActiveInstances', state.active);
  step.setLocalVariable(body.id, 'nrOfCompletedInstances', state.completed);
  const mi = node.multiInstance!;
  if (mi.completionCondition && step.evaluateCondition(mi.completionCondition, step.visibleVariables(body.id), node)) {
    for (const other of step.childrenOf(body.id)) step.transitions.terminate(other);
    return finishBody(step, body, node);
  }
  if (mi.sequential && state.next < state.total) return startInner(step, body, node);
  if (step.childrenOf(body.id).length === 0) finishBody(step, body, node);
}

function finishBody(step: Step, body: ElementInstance, node: FlowNode): void {
  const mi = node.multiInstance!;
  if (mi.outputCollection) step.setVariable(body.parentId, mi.outputCollection, body.data.mi?.output ?? []);
  step.transitions.complete(body);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object (${JSON.stringify(value).slice(0, 60)})`;
  return `a ${typeof value} (${JSON.stringify(value).slice(0, 60)})`;
}
