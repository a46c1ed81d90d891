/** Structural rules on a built graph: gateways, defaults, start/end events, scopes, links. */
import { isActivity } from './compile-node.js';
import type { CompileContext } from './context.js';
import type { FlowNode, ProcessGraph, ScopeSettings } from './graph.js';

export function validateGraph(graph: ProcessGraph, ctx: CompileContext): void {
  for (const node of Object.values(graph.nodes)) {
    validateFlows(graph, node, ctx);
    if (node.kind === 'boundaryEvent' && node.attachedTo !== undefined) {
      const host = graph.nodes[node.attachedTo];
      if (host && !isActivity(host.kind)) ctx.error(`Boundary event is attached to '${host.id}', which is not an activity`, node);
    }
    if (node.kind === 'eventBasedGateway') validateEventGateway(graph, node, ctx);
  }
  validateScope(graph, null, graph.scope, ctx);
  for (const node of Object.values(graph.nodes)) {
    if (node.scope) validateScope(graph, node, node.scope, ctx);
  }
  validateLinks(graph, ctx);
}

function validateFlows(graph: ProcessGraph, node: FlowNode, ctx: CompileContext): void {
  const label = describe(node);
  if (node.kind === 'startEvent' && node.incoming.length > 0) ctx.error('Start event must not have incoming sequence flows', node);
  if (node.kind === 'boundaryEvent' && node.incoming.length > 0) ctx.error('Boundary event must not have incoming sequence flows', node);
  if (node.kind === 'endEvent' && node.outgoing.length > 0) ctx.error('End event must not have outgoing sequence flows', node);
  if (node.scope?.triggeredByEvent && (node.incoming.length > 0 || node.outgoing.length > 0)) {
    ctx.error('Event sub-process must not have incoming or outgoing sequence flows', node);
  }
  // Any other gateway or activity without an outgoing flow is an implicit end, as in Camunda 7.
  if (node.kind === 'eventBasedGateway' && node.outgoing.length === 0) {
    ctx.error(`${label} has no outgoing sequence flow`, node);
  }

  if (node.defaultFlow !== undefined) {
    const flow = graph.flows[node.defaultFlow];
    if (!node.outgoing.includes(node.defaultFlow)) {
      ctx.error(`Default flow '${node.defaultFlow}' is not an outgoing sequence flow of this element`, node);
    } else if (flow?.condition) {
      ctx.error(`Default flow '${node.defaultFlow}' must not have a condition`, node);
    }
  }

  // An unconditional non-default flow out of an exclusive or inclusive gateway is legal: it is always taken.
  if (node.kind === 'parallelGateway' || node.kind === 'eventBasedGateway') {
    for (const id of node.outgoing) {
      if (graph.flows[id]?.condition) ctx.warn(`Condition on sequence flow '${id}' leaving ${label.toLowerCase()} is ignored`, node);
    }
  }
}

function validateEventGateway(graph: ProcessGraph, node: FlowNode, ctx: CompileContext): void {
  for (const id of node.outgoing) {
    const target = graph.nodes[graph.flows[id]!.target]!;
    const catchable =
      target.kind === 'receiveTask' ||
      (target.kind === 'intermediateCatchEvent' && target.event !== undefined && target.event.type !== 'link');
    if (!catchable) {
      ctx.error(
        `Event-based gateway leads to '${target.id}' (${target.type}): its targets must be intermediate catch events (message, timer, signal) or receive tasks`,
        node,
      );
    }
  }
}

function validateScope(graph: ProcessGraph, owner: FlowNode | null, scope: ScopeSettings, ctx: CompileContext): void {
  const starts = scope.startEvents.map((id) => graph.nodes[id]!);
  const noneStarts = starts.filter((start) => start.event?.type === 'none');
  const where = owner ? describe(owner) : 'Process';
  const at = owner ?? { id: graph.id, type: 'bpmn:Process' };

  if (owner?.adHoc) return; // no start events: its inner elements start ad hoc (compile-ad-hoc.ts)
  if (scope.triggeredByEvent) {
    if (starts.length !== 1) {
      ctx.error(`Event sub-process must have exactly one start event, found ${starts.length}`, at);
    }
    for (const start of noneStarts) {
      ctx.error('The start event of an event sub-process needs a trigger (message, timer, signal, error or escalation)', start);
    }
    return;
  }
  for (const start of starts) {
    const type = start.event?.type;
    if (type === 'error' || type === 'escalation') {
      ctx.error(`${type === 'error' ? 'Error' : 'Escalation'} start events are only allowed in event sub-processes`, start);
    } else if (owner && type !== undefined && type !== 'none') {
      ctx.error('A start event inside an embedded sub-process must be a none start event', start);
    }
  }
  if (noneStarts.length > 1) {
    for (const start of noneStarts.slice(1)) {
      ctx.error(`${where} has more than one none start event ('${noneStarts[0]!.id}' and '${start.id}')`, start);
    }
  }
  if (owner && noneStarts.length === 0) {
    ctx.error('Sub-process has no none start event', owner);
  }
  if (!owner && starts.length === 0) {
    ctx.error('Process has no start event', at);
  }
}

function validateLinks(graph: ProcessGraph, ctx: CompileContext): void {
  const catches = new Map<string, FlowNode>();
  for (const node of Object.values(graph.nodes)) {
    if (node.kind !== 'intermediateCatchEvent' || node.event?.type !== 'link' || node.event.linkName === undefined) continue;
    const key = `${node.parent ?? ''}\u0000${node.event.linkName}`;
    const existing = catches.get(key);
    if (existing) ctx.error(`Link name '${node.event.linkName}' is caught twice in one scope ('${existing.id}' and '${node.id}')`, node);
    else catches.set(key, node);
  }
  for (const node of Object.values(graph.nodes)) {
    if (node.kind !== 'intermediateThrowEvent' || node.event?.type !== 'link' || node.event.linkName === undefined) continue;
    if (!catches.has(`${node.parent ?? ''}\u0000${node.event.linkName}`)) {
      ctx.error(`Link throw event '${node.event.linkName}' has no matching link catch event in the same scope`, node);
    }
  }
}

function describe(node: FlowNode): string {
  const words = node.type.replace(/^bpmn:/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const label = words.charAt(0).toUpperCase() + words.slice(1);
  return label.replace(/^Sub process/, 'Sub-process');
}
