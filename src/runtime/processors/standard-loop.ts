/**
 * Standard loop activities (BPMN 2.0 §10.2.8, §13.3.6). The compiler wraps a looping activity in a
 * *body* (kind `standardLoopBody`, see bpmn/compile-multi-instance-body.ts) entered over the
 * activity's flows; the body runs the activity as one *iteration* after another, each a new
 * element instance of the activity inside the body, so each iteration has its own history rows,
 * variables scope and job or task.
 *
 * `loopCounter`: each iteration sees its own index (0, 1, ...) as a local variable; the body
 * holds the number of iterations completed, which is what `loopCondition` sees. With
 * `testBefore` the condition is tested before every iteration (a while loop, possibly zero
 * iterations), without it after every iteration (do-while: the first always runs). The loop ends
 * when the condition is false or `loopMaximum` iterations have run. Boundary events belong to
 * the body; input/output mappings and the element's own behaviour to each iteration.
 */
import type { FlowNode } from '../../bpmn/graph.js';
import type { MultiInstanceBodyProcessor } from './processor.js';
import type { Step, ElementInstance } from '../step.js';

export const standardLoopBody: MultiInstanceBodyProcessor = {
  onActivate(step, body, node) {
    if (!body.data.loop) {
      body.data = { ...body.data, loop: { completed: 0 } };
      body.changed = true;
      step.setLocalVariable(body.id, 'loopCounter', 0);
    }
    // also run again when an incident on the body (a failing loop condition) is resolved
    if (step.childrenOf(body.id).length === 0) nextIterationOrLeave(step, body, node, body.data.loop!.completed === 0);
  },
  onIterationCompleting() {
    // an iteration's outputs are applied like any element's; nothing to collect
  },
  onIterationCompleted(step, body) {
    if (body.state !== 'active' || !body.data.loop) return;
    body.data.loop.completed++;
    body.changed = true;
    step.setLocalVariable(body.id, 'loopCounter', body.data.loop.completed);
    // run as the body's operation: a condition that fails is an incident on the body, which waits
    step.schedule(body, () => nextIterationOrLeave(step, body, step.node(body), false));
  },
};

function nextIterationOrLeave(step: Step, body: ElementInstance, node: FlowNode, first: boolean): void {
  if (body.state !== 'active' || !body.data.loop) return;
  const loop = node.standardLoop!;
  const completed = body.data.loop.completed;
  if (loop.loopMaximum !== undefined && completed >= loop.loopMaximum) return step.transitions.complete(body);
  const tested = loop.testBefore || !first;
  if (tested && loop.loopCondition && !step.evaluateCondition(loop.loopCondition, step.visibleVariables(body.id), node)) {
    return step.transitions.complete(body);
  }
  const iteration = step.transitions.enter(step.graph.nodes[body.elementId]!, body.id);
  step.setLocalVariable(iteration.id, 'loopCounter', completed);
}
