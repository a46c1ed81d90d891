import type { ProcessGraph } from '../bpmn/graph.js';

const cache = new WeakMap<ProcessGraph, boolean>();

/**
 * Whether any element of the process waits for a condition (catch, boundary, event sub-process
 * start); remembered per compiled graph, so the variable-change hook costs nothing elsewhere.
 * The process-level conditional start events do not count: they start instances, they never wait.
 */
export function hasConditionalEvents(graph: ProcessGraph): boolean {
  let result = cache.get(graph);
  if (result === undefined) {
    result = Object.values(graph.nodes).some((node) => node.event?.type === 'conditional' && !(node.kind === 'startEvent' && node.parent === null));
    cache.set(graph, result);
  }
  return result;
}
