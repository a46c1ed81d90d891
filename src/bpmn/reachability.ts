/**
 * Graph walks, each linear in nodes + flows: unreachable elements (warnings) and, for every
 * joining inclusive gateway, the nodes of its scope from which a token can still reach it.
 */
import type { CompileContext } from './context.js';
import type { FlowNode, ProcessGraph } from './graph.js';

/**
 * Forward walk from the process-level start events and event sub-processes: entering a scope
 * reaches its start events and event sub-processes, an activity reaches its boundary events, a
 * link throw its catch. Unvisited nodes whose scope was visited get a warning.
 */
export function warnUnreachable(graph: ProcessGraph, ctx: CompileContext): void {
  const linkCatches = new Map<string, string>();
  for (const node of Object.values(graph.nodes)) {
    if (node.kind === 'intermediateCatchEvent' && node.event?.type === 'link' && node.event.linkName !== undefined) {
      linkCatches.set(linkKey(node, node.event.linkName), node.id);
    }
  }
  const visited = new Set<string>();
  const queue: string[] = [...graph.scope.startEvents, ...graph.scope.eventSubProcesses];
  for (const id of queue) visited.add(id);
  const visit = (id: string | undefined): void => {
    if (id === undefined || visited.has(id) || !graph.nodes[id]) return;
    visited.add(id);
    queue.push(id);
  };
  for (let i = 0; i < queue.length; i++) {
    const node = graph.nodes[queue[i]!]!;
    for (const flowId of node.outgoing) visit(graph.flows[flowId]?.target);
    for (const boundary of node.boundaryEvents ?? []) visit(boundary);
    if (node.compensationHandler !== undefined) visit(node.compensationHandler);
    if (node.scope) {
      for (const start of node.scope.startEvents) visit(start);
      for (const sub of node.scope.eventSubProcesses) visit(sub);
    }
    for (const inner of node.adHoc?.activatable ?? []) visit(inner);
    if (node.kind === 'intermediateThrowEvent' && node.event?.type === 'link' && node.event.linkName !== undefined) {
      visit(linkCatches.get(linkKey(node, node.event.linkName)));
    }
  }
  for (const node of Object.values(graph.nodes)) {
    if (visited.has(node.id)) continue;
    if (node.parent !== null && !visited.has(node.parent)) continue; // its scope is reported instead
    ctx.warn('Element is not reachable from any start event, boundary event or event sub-process', node);
  }
}

function linkKey(node: FlowNode, name: string): string {
  return `${node.parent ?? ''}\u0000${name}`;
}

/**
 * Reverse walk per joining inclusive gateway, staying in the gateway's scope: predecessors are
 * flow sources, and a boundary event's host activity (a token in the activity can leave through
 * the boundary event). The gateway itself is not listed.
 */
export function computeInclusiveJoinSources(graph: ProcessGraph): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const join of Object.values(graph.nodes)) {
    if ((join.kind !== 'inclusiveGateway' && join.kind !== 'complexGateway') || join.incoming.length < 2) continue;
    const seen = new Set<string>([join.id]);
    const queue: string[] = [join.id];
    const sources: string[] = [];
    const visit = (id: string | undefined): void => {
      if (id === undefined || seen.has(id)) return;
      const node = graph.nodes[id];
      if (!node || node.parent !== join.parent) return;
      seen.add(id);
      queue.push(id);
      sources.push(id);
    };
    for (let i = 0; i < queue.length; i++) {
      const node = graph.nodes[queue[i]!]!;
      for (const flowId of node.incoming) visit(graph.flows[flowId]?.source);
      if (node.kind === 'boundaryEvent') visit(node.attachedTo);
    }
    result[join.id] = sources;
  }
  return result;
}
