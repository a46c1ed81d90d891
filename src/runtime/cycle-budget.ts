/**
 * Deploy-time half of the minTimerCycleInterval budget: a timer cycle written in the diagram
 * (no expression) that fires faster than the budget makes the deployment fail, listing every such
 * timer as any other diagram problem. Cycles that come from expressions are checked when armed
 * (an incident on the element, see events/triggers.ts).
 */
import type { PreparedDeployment, ResourceProblem } from './deployer.js';
import { ParseError } from './deployer.js';
import { timerCycleTooFast } from './budgets.js';
import { shortestCycleGap } from '../timers/cycle-interval.js';

export function checkConstantCycles(prepared: PreparedDeployment, minInterval: number, now: number, timeZone: string | undefined): void {
  if (minInterval <= 0) return;
  const errors: ResourceProblem[] = [];
  for (const resource of prepared.resources) {
    for (const graph of resource.processes) {
      for (const node of Object.values(graph.nodes)) {
        const timer = node.event?.timer;
        if (timer?.kind !== 'cycle' || timer.expression.language !== 'literal') continue;
        let problem: string | null;
        try {
          problem = timerCycleTooFast(shortestCycleGap(timer.expression.source, now, timeZone), minInterval);
        } catch {
          problem = null; // an invalid cycle was reported by the compiler already
        }
        if (problem !== null) {
          errors.push({ message: `Timer cycle '${timer.expression.source}': ${problem}`, elementId: node.id, elementType: node.type, resource: resource.name });
        }
      }
    }
  }
  if (errors.length > 0) throw new ParseError(errors, prepared.warnings);
}
