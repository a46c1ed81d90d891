/**
 * Graphs are stored as JSON when deployed. One stored by an older engine version lacks what the
 * compiler adds today; this brings it to the current shape when it is loaded, so a reopened
 * database resumes its running instances. Each step is a no-op on a current graph.
 */
import type { FlowNode, ProcessGraph } from './graph.js';
import { wrapMultiInstanceBodies } from './compile-multi-instance-body.js';

export function upgradeStoredGraph(graph: ProcessGraph): ProcessGraph {
  for (const node of Object.values(graph.nodes)) markEventSubProcess(node);
  if (!graph.multiInstanceBodies) for (const node of Object.values(graph.nodes)) keepAsyncOnBody(node);
  return wrapMultiInstanceBodies(graph);
}

/**
 * Before bodies were compiled, an async continuation on a looping activity was run by the body
 * (one job for all iterations). A stored instance may wait for that job, so such a graph keeps it there.
 */
function keepAsyncOnBody(node: FlowNode): void {
  if (!node.multiInstance) return;
  if (node.asyncBefore) node.multiInstance.asyncBefore = true;
  if (node.asyncAfter) node.multiInstance.asyncAfter = true;
  delete node.asyncBefore;
  delete node.asyncAfter;
}

/** Before event sub-processes were a kind of their own they were sub-processes with triggeredByEvent. */
function markEventSubProcess(node: FlowNode): void {
  if (node.kind === 'subProcess' && node.scope?.triggeredByEvent) node.kind = 'eventSubProcess';
}
