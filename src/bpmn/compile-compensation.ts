/**
 * Compensation and transactions (BPMN 2.0 §10.7, §10.3.2 transaction): handlers associated with compensation boundary events, where throw targets,
 * compensation event sub-processes and cancel events may stand, and what Camunda 8 refuses.
 */
import { isCamunda8Diagram } from './target-platform.js';
import { isActivity } from './compile-node.js';
import type { CompileContext } from './context.js';
import type { FlowNode, ProcessGraph } from './graph.js';
import { text, type ModdleElement } from './moddle-types.js';

/**
 * After nodes and boundary events are wired: associate each compensation boundary event's
 * handler with its activity, mark compensation event sub-processes on their scope, and check
 * every compensation and cancel element's place. Nothing is dropped: a misplaced element is an error.
 */
export function linkCompensation(process: ModdleElement, graph: ProcessGraph, ctx: CompileContext): void {
  const { nodes } = graph;
  const camunda8 = isCamunda8Diagram(process);
  const associated = new Set<string>();
  for (const association of associations(process)) {
    const source = nodes[text((association.sourceRef as ModdleElement | undefined)?.id) ?? ''];
    const target = nodes[text((association.targetRef as ModdleElement | undefined)?.id) ?? ''];
    if (!source || !target) continue;
    // the Modeler draws it from the boundary event to the handler; accept the other direction too
    const [boundary, handler] = isCompensationBoundary(source) ? [source, target] : isCompensationBoundary(target) ? [target, source] : [];
    if (!boundary || !handler) continue;
    associated.add(boundary.id);
    const host = boundary.attachedTo === undefined ? undefined : nodes[boundary.attachedTo];
    if (!handler.isForCompensation) {
      ctx.error(`Compensation boundary event is associated with '${handler.id}', which is not a compensation handler: mark it isForCompensation="true"`, boundary);
    } else if (host) {
      if (host.compensationHandler !== undefined && host.compensationHandler !== handler.id) {
        ctx.error(`Activity '${host.id}' has more than one compensation handler ('${host.compensationHandler}' and '${handler.id}')`, boundary);
      } else if (handler.parent !== host.parent) {
        ctx.error(`Compensation handler '${handler.id}' must be in the same scope as the activity '${host.id}' it compensates`, handler);
      } else {
        host.compensationHandler = handler.id;
      }
    }
  }
  const handlers = new Set(Object.values(nodes).map((n) => n.compensationHandler).filter((id) => id !== undefined));
  for (const node of Object.values(nodes)) {
    checkNode(graph, node, ctx, associated, handlers, camunda8);
  }
}

function checkNode(graph: ProcessGraph, node: FlowNode, ctx: CompileContext, associated: Set<string>, handlers: Set<string>, camunda8: boolean): void {
  const { nodes } = graph;
  const type = node.event?.type;
  if (node.isForCompensation) {
    if (node.incoming.length > 0 || node.outgoing.length > 0) {
      ctx.error('A compensation handler (isForCompensation) must not have incoming or outgoing sequence flows', node);
    }
    if (!handlers.has(node.id)) ctx.warn('Compensation handler is not associated with any compensation boundary event: it never runs', node);
  }
  if (node.kind === 'boundaryEvent' && type === 'compensation') {
    if (node.outgoing.length > 0) ctx.error('Compensation boundary event must not have outgoing sequence flows: associate a handler instead', node);
    if (!associated.has(node.id)) ctx.error('Compensation boundary event has no compensation handler: associate an activity marked isForCompensation', node);
  }
  if ((node.kind === 'intermediateThrowEvent' || node.kind === 'endEvent') && type === 'compensation' && node.event?.activityRef !== undefined) {
    checkActivityRef(graph, node, node.event.activityRef, ctx);
  }
  if (node.kind === 'startEvent' && type === 'compensation') {
    const esp = node.parent === null ? undefined : nodes[node.parent];
    const scopeOwner = esp?.parent === null || esp?.parent === undefined ? undefined : nodes[esp.parent];
    if (!esp?.scope?.triggeredByEvent) {
      ctx.error('A compensation start event is only allowed in an event sub-process', node);
    } else if (!scopeOwner?.scope) {
      ctx.error('A compensation event sub-process must be inside a sub-process (it compensates that sub-process)', esp);
    } else if (camunda8) {
      ctx.error('Compensation event sub-processes are not supported by Camunda 8 (Zeebe): attach a compensation boundary event to the sub-process instead', esp);
    } else if (scopeOwner.scope.compensationEventSubProcess !== undefined) {
      ctx.error(`Sub-process '${scopeOwner.id}' has more than one compensation event sub-process`, esp);
    } else {
      scopeOwner.scope.compensationEventSubProcess = esp.id;
    }
  }
  if (node.scope?.transaction && camunda8) {
    ctx.error('Transaction sub-processes are not supported by Camunda 8 (Zeebe): use an embedded sub-process with compensation', node);
  }
  if (type === 'cancel') checkCancelEvent(graph, node, ctx, camunda8);
}

/** `activityRef` names an activity of the throw's scope (or, inside an event sub-process, of the scope it belongs to). */
function checkActivityRef(graph: ProcessGraph, node: FlowNode, activityRef: string, ctx: CompileContext): void {
  const target = graph.nodes[activityRef];
  if (!target || !isActivity(target.kind)) {
    ctx.error(`Compensation activityRef '${activityRef}' names no activity of this process`, node);
    return;
  }
  const parent = node.parent === null ? undefined : graph.nodes[node.parent];
  const scopes = new Set<string | null>([node.parent]);
  if (parent?.scope?.triggeredByEvent) scopes.add(parent.parent);
  if (!scopes.has(target.parent)) {
    ctx.error(`Compensation activityRef '${activityRef}' must name an activity in the same scope as the throw event`, node);
  }
}

function checkCancelEvent(graph: ProcessGraph, node: FlowNode, ctx: CompileContext, camunda8: boolean): void {
  if (camunda8) {
    ctx.error('Cancel events are not supported by Camunda 8 (Zeebe): they belong to transaction sub-processes', node);
    return;
  }
  if (node.kind === 'endEvent') {
    const transaction = node.parent === null ? undefined : graph.nodes[node.parent];
    if (!transaction?.scope?.transaction) {
      ctx.error('A cancel end event is only allowed directly inside a transaction sub-process', node);
      return;
    }
    const cancelBoundaries = (transaction.boundaryEvents ?? []).filter((id) => graph.nodes[id]?.event?.type === 'cancel');
    if (cancelBoundaries.length === 0) {
      ctx.error(`Transaction '${transaction.id}' has a cancel end event but no cancel boundary event to leave by`, node);
    }
  } else if (node.kind === 'boundaryEvent') {
    const host = node.attachedTo === undefined ? undefined : graph.nodes[node.attachedTo];
    if (!host?.scope?.transaction) {
      ctx.error('A cancel boundary event is only allowed on a transaction sub-process', node);
      return;
    }
    const first = (host.boundaryEvents ?? []).find((id) => graph.nodes[id]?.event?.type === 'cancel');
    if (first !== node.id) ctx.error(`Transaction '${host.id}' has more than one cancel boundary event`, node);
  }
}

function isCompensationBoundary(node: FlowNode): boolean {
  return node.kind === 'boundaryEvent' && node.event?.type === 'compensation';
}

/** `bpmn:association` elements of the process and of every sub-process in it (bpmn-js stores them in the container of their source). */
function associations(container: ModdleElement): ModdleElement[] {
  const found: ModdleElement[] = [];
  const walk = (element: ModdleElement): void => {
    for (const artifact of (element.artifacts as ModdleElement[] | undefined) ?? []) {
      if (artifact.$type === 'bpmn:Association') found.push(artifact);
    }
    for (const child of (element.flowElements as ModdleElement[] | undefined) ?? []) {
      if (child.flowElements || child.artifacts) walk(child);
    }
  };
  walk(container);
  return found;
}
