import type { Step } from './step.js';

/**
 * Joins that wait until no other token can arrive (inclusive and complex gateways): once the
 * step's agenda is empty, each such join whose scope holds no token upstream of it (the compiled
 * `inclusiveJoinSources`) is handed to its processor's `onJoin`. Returns true when one moved.
 */
export function fireReadyJoins(step: Step): boolean {
  const joins = step.graph.inclusiveJoinSources;
  // most processes have no such join: then there is nothing to look at after every step
  if (!hasAny(joins)) return false;
  let fired = false;
  const seen = new Set<string>();
  for (const ei of [...step.elementInstances()]) {
    const sources = joins[ei.elementId];
    // an incident on the join waits for someone to resolve it
    if (!sources || ei.state !== 'active' || ei.data.incident || !step.elementInstance(ei.id)) continue;
    const group = `${ei.parentId ?? ''}\u0000${ei.elementId}`;
    if (seen.has(group)) continue;
    seen.add(group);
    const blocked = step.childrenOf(ei.parentId).some((other) => other.elementId !== ei.elementId && sources.includes(other.elementId));
    if (blocked) continue;
    step.runGuarded(ei, () => {
      if (step.processor(ei).onJoin?.(step, ei, step.node(ei))) fired = true;
    });
  }
  return fired;
}

function hasAny(joins: Record<string, string[]>): boolean {
  for (const _ in joins) return true;
  return false;
}
