/** Link events: a link throw event jumps to the link catch event with the same name in the same scope. */
import type { FlowNode } from '../../bpmn/graph.js';
import type { Step, ElementInstance } from '../step.js';
import { IncidentError } from '../errors.js';

export function followLink(step: Step, ei: ElementInstance, node: FlowNode): void {
  const name = node.event?.linkName;
  const target = Object.values(step.graph.nodes).find(
    (other) => other.kind === 'intermediateCatchEvent' && other.parent === node.parent && other.event?.type === 'link' && other.event.linkName === name,
  );
  if (!target) throw new IncidentError(`Link '${name ?? ''}' thrown by '${node.id}' has no link catch event in its scope`);
  step.transitions.consume(ei);
  step.transitions.enter(target, ei.parentId);
}
