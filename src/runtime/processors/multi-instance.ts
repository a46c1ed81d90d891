/**
 * The multi-instance body (compiled kind `multiInstanceBody`, see bpmn/compile-multi-instance-body.ts)
 * of a looping task, sub-process or call activity, parallel or sequential. Entered over the
 * activity's incoming flow, it runs the wrapped activity once per item: each *iteration* is an
 * element instance of the activity, a child of the body. The body holds `nrOfInstances`,
 * `nrOfActiveInstances`, `nrOfCompletedInstances`; each iteration holds `loopCounter` and the
 * element variable. Boundary events belong to the body; input/output mappings and the
 * activity's own behaviour to the iterations.
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
    for (let i = 0; i < now; i++) startIteration(step, body, node);
  },
  onIterationCompleting: (step, body, iteration) => collectIterationOutput(step, body, iteration),
  onIterationCompleted: (step, body) => iterationCompleted(step, body),
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

/** Enters the wrapped activity (same id as the body) as the body's next iteration. */
function startIteration(step: Step, body: ElementInstance, node: FlowNode): void {
  const state = body.data.mi!;
  const index = state.next++;
  state.active++;
  body.changed = true;
  step.setLocalVariable(body.id, 'nrOfActiveInstances', state.active);
  // data.loopCounter: the iteration's place in the output collection (the variable can be overwritten)
  const iteration = step.transitions.enter(step.graph.nodes[node.id]!, body.id, undefined, { loopCounter: index });
  step.setLocalVariable(iteration.id, 'loopCounter', index);
  const elementVariable = node.multiInstance!.elementVariable;
  if (elementVariable && state.items) step.setLocalVariable(iteration.id, elementVariable, state.items[index] ?? null);
}

/** Before an iteration's variables go: its output element (C8 `outputElement`). */
function collectIterationOutput(step: Step, body: ElementInstance, iteration: ElementInstance): void {
  const node = step.node(body);
  const mi = node.multiInstance!;
  if (!mi.outputCollection || !mi.outputElement || !body.data.mi?.output || iteration.data.loopCounter === undefined) return;
  const value = step.evaluate(mi.outputElement, step.visibleVariables(iteration.id), node);
  body.data.mi.output[iteration.data.loopCounter] = value === undefined ? null : value;
  body.changed = true;
}

/** An iteration completed: count it, check the completion condition, start the next or finish. */
function iterationCompleted(step: Step, body: ElementInstance): void {
  if (body.state !== 'active' || !body.data.mi) return;
  const node = step.node(body);
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
  if (mi.sequential && state.next < state.total) return startIteration(step, body, node);
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
