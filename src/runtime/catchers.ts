import type { FlowNode, ProcessGraph, ScopeSettings } from '../bpmn/graph.js';

/**
 * Catcher search for thrown errors and escalations, in one place: on an element, a boundary event
 * of the same type with this code wins over a catch-all one (no code); in a scope, an event
 * sub-process whose start has this code wins over a catch-all one.
 */
export type CatchType = 'error' | 'escalation';

function codeOf(node: FlowNode, type: CatchType): string | undefined {
  return type === 'error' ? node.event?.errorCode : node.event?.escalationCode;
}

/** The boundary event on `node` that catches `code`, if any. */
export function boundaryCatcher(graph: ProcessGraph, node: FlowNode, type: CatchType, code: string): FlowNode | undefined {
  let catchAll: FlowNode | undefined;
  for (const id of node.boundaryEvents ?? []) {
    const boundary = graph.nodes[id];
    if (boundary?.event?.type !== type) continue;
    const boundaryCode = codeOf(boundary, type);
    if (boundaryCode === code) return boundary;
    if (boundaryCode === undefined) catchAll ??= boundary;
  }
  return catchAll;
}

/** The event sub-process of `scope` (and its start event) that catches `code`, if any. */
export function eventSubProcessCatcher(graph: ProcessGraph, scope: ScopeSettings | undefined, type: CatchType, code: string): { eventSubProcess: FlowNode; start: FlowNode } | undefined {
  let catchAll: { eventSubProcess: FlowNode; start: FlowNode } | undefined;
  for (const espId of scope?.eventSubProcesses ?? []) {
    const eventSubProcess = graph.nodes[espId];
    const startId = eventSubProcess?.scope?.startEvents[0];
    const start = startId === undefined ? undefined : graph.nodes[startId];
    if (!eventSubProcess || start?.event?.type !== type) continue;
    const startCode = codeOf(start, type);
    if (startCode === code) return { eventSubProcess, start };
    if (startCode === undefined) catchAll ??= { eventSubProcess, start };
  }
  return catchAll;
}

/**
 * Whether a catcher for `code` waits anywhere on the way out of `elementId`: its boundary events
 * (a multi-instance activity's are on its body), enclosing sub-processes', and their scopes' event sub-processes.
 */
export function caughtOnTheWayOut(graph: ProcessGraph, elementId: string, type: CatchType, code: string): boolean {
  let node: FlowNode | undefined = graph.nodes[elementId];
  while (node) {
    if (boundaryCatcher(graph, node, type, code)) return true;
    const body = graph.multiInstanceBodies?.[node.id];
    if (body && boundaryCatcher(graph, body, type, code)) return true;
    const scope = node.parent === null ? graph.scope : graph.nodes[node.parent]?.scope;
    if (eventSubProcessCatcher(graph, scope, type, code)) return true;
    node = node.parent === null ? undefined : graph.nodes[node.parent];
  }
  return false;
}
