import type { ProcessGraph } from '../bpmn/graph.js';
import { upgradeStoredGraph } from '../bpmn/upgrade-graph.js';
import type { EngineStore, JobQueueReads, RepositoryReads } from '../store/engine-store.js';
import type { InstanceRecord } from '../store/records.js';
import type { ChangeSet } from '../store/change-set.js';
import type { Clock } from './timers/index.js';
import type { Effect } from './effects.js';
import { Step, type StepServices } from './step.js';
import { NotFoundError } from './errors.js';

/** What commands need: the stores, the clock, compiled graphs and the step services. */
export interface EngineCore {
  /** reads of running instances, subscriptions, the message buffer; `apply` writes a change set */
  runtime: EngineStore;
  repository: RepositoryReads;
  jobs: JobQueueReads;
  clock: Clock;
  services: StepServices;
  /** the change set of the running command: every write goes here (see CommandLoop) */
  readonly changes: ChangeSet;
  /** runs `fn` in a savepoint of the running command; false (and nothing of it kept) when it threw */
  isolated(fn: () => void): boolean;
  /** default backoff before the next attempt of a failed job */
  retryBackoff(attempt: number): number;
}

/** Compiled graphs by definition id: parsed from JSON once, shared by every step. */
export class GraphCache {
  private readonly graphs = new Map<string, ProcessGraph>();
  constructor(private readonly repository: RepositoryReads) {}

  set(definitionId: string, graph: ProcessGraph): void {
    this.graphs.set(definitionId, graph);
  }

  get(definitionId: string): ProcessGraph {
    let graph = this.graphs.get(definitionId);
    if (!graph) {
      const json = this.repository.graphJson(definitionId);
      if (!json) throw new NotFoundError(`No process definition with id '${definitionId}'`);
      // a graph stored by an older version gets today's compiled kinds (no-op otherwise)
      graph = upgradeStoredGraph(JSON.parse(json) as ProcessGraph);
      this.graphs.set(definitionId, graph);
    }
    return graph;
  }
}

export function loadInstance(core: EngineCore, instanceId: string): InstanceRecord {
  const instance = core.runtime.getInstance(instanceId);
  if (!instance) throw new NotFoundError(`No process instance with id '${instanceId}'`);
  return instance;
}

/**
 * Loads an active instance, lets `change` act on it, runs every token to its next wait state
 * and writes the result. Returns what `change` returned.
 */
export function inInstance<T>(core: EngineCore, instanceId: string, effects: Effect[], change: (step: Step) => T, actor?: string | null): T {
  const instance = loadInstance(core, instanceId);
  if (instance.state !== 'active') throw new NotFoundError(`Process instance '${instanceId}' has ended (${instance.state})`);
  const step = Step.load(core.services, instance);
  step.actor = actor ?? null;
  const result = change(step);
  return finishStep(step, effects, result);
}

/**
 * Runs the step's tokens to their wait states and applies what it changed, so a later step of
 * the same command (the next receiver of a signal, a called instance) reads it.
 */
export function finishStep<T>(step: Step, effects: Effect[], result: T): T {
  step.drain();
  step.flush();
  step.services.store.apply(step.changes);
  effects.push(...step.effects);
  return result;
}
