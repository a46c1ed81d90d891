/**
 * An activity with multi-instance loop characteristics compiles to a *body* wrapping it (Zeebe's
 * ExecutableMultiInstanceBody; Camunda 7's `<id>#multiInstanceBody` activity). The body is what
 * the process sees: tokens over the activity's incoming flows enter it, it leaves over the
 * outgoing ones, boundary events are its own, and so are the async continuations declared on the
 * loop characteristics. The activity itself (`graph.nodes[id]`) is what one iteration runs: its
 * behaviour, its input/output mappings, its own `camunda:asyncBefore`/`asyncAfter` (Camunda 7).
 */
import type { FlowNode, ProcessGraph } from './graph.js';

/**
 * Adds the body of every looping activity to `graph.multiInstanceBodies`. Runs after validation
 * and reachability (they see the diagram as drawn); also upgrades a graph stored before bodies
 * were compiled, so it is a no-op on a graph that has them.
 */
export function wrapMultiInstanceBodies(graph: ProcessGraph): ProcessGraph {
  if (graph.multiInstanceBodies) return graph;
  const bodies: Record<string, FlowNode> = {};
  for (const activity of Object.values(graph.nodes)) {
    if (!activity.multiInstance && !activity.standardLoop) continue;
    bodies[activity.id] = bodyOf(activity);
    // boundary events belong to the body: they cancel every iteration
    delete activity.boundaryEvents;
  }
  graph.multiInstanceBodies = bodies;
  return graph;
}

function bodyOf(activity: FlowNode): FlowNode {
  const body: FlowNode = {
    id: activity.id,
    kind: activity.multiInstance ? 'multiInstanceBody' : 'standardLoopBody',
    type: activity.type,
    parent: activity.parent,
    incoming: [...activity.incoming],
    outgoing: [...activity.outgoing],
  };
  if (activity.multiInstance) body.multiInstance = activity.multiInstance;
  if (activity.standardLoop) body.standardLoop = activity.standardLoop;
  if (activity.name !== undefined) body.name = activity.name;
  if (activity.defaultFlow !== undefined) body.defaultFlow = activity.defaultFlow;
  if (activity.boundaryEvents?.length) body.boundaryEvents = [...activity.boundaryEvents];
  if (activity.multiInstance?.asyncBefore) body.asyncBefore = true;
  if (activity.multiInstance?.asyncAfter) body.asyncAfter = true;
  if (activity.line !== undefined) body.line = activity.line;
  if (activity.column !== undefined) body.column = activity.column;
  return body;
}
