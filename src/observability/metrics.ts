/**
 * Prometheus metrics of one engine (prom-client, on a registry of its own so several engines in
 * one process never mix). Two kinds:
 * - state read from the database at scrape time (instances by process and state, open incidents,
 *   due and locked jobs, PSI per model and feature): exact after a restart and across restarts;
 * - events reported through the engine's observer hooks (command batches, handler attempts,
 *   external-task fetches, scoring requests): counted and timed in this process since it started.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Engine } from '../runtime/engine.js';
import type { EngineObserver } from '../runtime/engine-observer.js';
import type { InstanceCount } from '../store/metrics-queries.js';
import type { ModelLifecycle } from '../mlc/lifecycle.js';
import { latestPsi } from './psi.js';

export interface EngineMetricsOptions {
  /** adds PSI per model and feature from the model registry's test results */
  lifecycle?: ModelLifecycle;
  /** also the process CPU, memory, event-loop lag and GC of Node.js (default false; `mlc serve` turns them on) */
  defaultMetrics?: boolean;
}

export interface EngineMetrics {
  registry: Registry;
  /** the text exposition format, as `GET /metrics` answers it */
  scrape(): Promise<string>;
  contentType: string;
  /** stops receiving the engine's reports */
  detach(): void;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HANDLER_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export function createEngineMetrics(engine: Engine, options: EngineMetricsOptions = {}): EngineMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics === true) collectDefaultMetrics({ register: registry });
  const queries = engine.queries.metrics;
  const closed = () => !queries.isOpen();

  // ---- read at scrape time
  // one GROUP BY per scrape feeds the four instance metrics (read again if the registry is collected directly)
  let snapshot: InstanceCount[] | null = null;
  const sumByProcess = (states: (state: string) => boolean) => {
    const sums = new Map<string, number>();
    for (const row of snapshot ?? queries.instanceCounts()) if (states(row.state)) sums.set(row.processKey, (sums.get(row.processKey) ?? 0) + row.count);
    return sums;
  };
  new Counter({
    name: 'mlc_process_instances_started_total',
    help: 'Process instances started, per process definition key (every instance in the database)',
    labelNames: ['process'], registers,
    collect() {
      this.reset();
      if (!closed()) for (const [process, n] of sumByProcess(() => true)) this.inc({ process }, n);
    },
  });
  new Counter({
    name: 'mlc_process_instances_completed_total',
    help: 'Process instances that reached an end event, per process definition key',
    labelNames: ['process'], registers,
    collect() {
      this.reset();
      if (!closed()) for (const [process, n] of sumByProcess((s) => s === 'completed')) this.inc({ process }, n);
    },
  });
  new Counter({
    name: 'mlc_process_instances_terminated_total',
    help: 'Process instances cancelled or ended by a terminate end event, per process definition key',
    labelNames: ['process'], registers,
    collect() {
      this.reset();
      if (!closed()) for (const [process, n] of sumByProcess((s) => s === 'terminated')) this.inc({ process }, n);
    },
  });
  new Gauge({
    name: 'mlc_process_instances_active',
    help: 'Process instances running now, per process definition key',
    labelNames: ['process'], registers,
    collect() {
      this.reset();
      if (!closed()) for (const [process, n] of sumByProcess((s) => s === 'active')) this.set({ process }, n);
    },
  });
  new Gauge({
    name: 'mlc_incidents_open',
    help: 'Open incidents, per process definition key',
    labelNames: ['process'], registers,
    collect() {
      this.reset();
      if (!closed()) for (const row of queries.openIncidents()) this.set({ process: row.processKey }, row.count);
    },
  });
  new Gauge({
    name: 'mlc_jobs_due',
    help: 'Jobs that could run now (due, retries left, not locked): timers, continuations and service-task work by topic',
    labelNames: ['kind', 'topic'], registers,
    collect() {
      this.reset();
      if (!closed()) for (const row of queries.jobsDue(engine.clock.now())) this.set({ kind: row.kind, topic: row.topic }, row.count);
    },
  });
  new Gauge({
    name: 'mlc_jobs_locked',
    help: 'Jobs locked now by this engine or a remote worker',
    labelNames: ['kind', 'topic'], registers,
    collect() {
      this.reset();
      if (!closed()) for (const row of queries.jobsLocked(engine.clock.now())) this.set({ kind: row.kind, topic: row.topic }, row.count);
    },
  });
  const lifecycle = options.lifecycle;
  if (lifecycle) {
    new Gauge({
      name: 'mlc_model_feature_psi',
      help: 'Population stability index per feature in the latest test of each model that measured drift',
      labelNames: ['model', 'version', 'feature'], registers,
      collect() {
        this.reset();
        if (closed()) return;
        for (const row of latestPsi(lifecycle.store)) this.set({ model: row.modelId, version: String(row.version), feature: row.feature }, row.psi);
      },
    });
  }

  // ---- reported by the engine as it works
  const batchSize = new Histogram({
    name: 'mlc_command_batch_size', help: 'Commands per group-committed transaction', buckets: BATCH_BUCKETS, registers,
  });
  const commitSeconds = new Histogram({
    name: 'mlc_command_batch_commit_seconds', help: 'Time to apply and commit one batch of commands', buckets: LATENCY_BUCKETS, registers,
  });
  const handlerSeconds = new Histogram({
    name: 'mlc_handler_duration_seconds', help: 'In-process handler attempts, per topic and outcome (completed, bpmnError, failed)',
    labelNames: ['topic', 'outcome'], buckets: HANDLER_BUCKETS, registers,
  });
  const fetchSeconds = new Histogram({
    name: 'mlc_external_task_fetch_seconds', help: 'Fetch-and-lock of remote workers: time to lock tasks (long-poll waiting excluded)',
    buckets: LATENCY_BUCKETS, registers,
  });
  const fetchedTasks = new Counter({
    name: 'mlc_external_tasks_locked_total', help: 'External tasks locked for remote workers', registers,
  });
  const scoringRequests = new Counter({
    name: 'mlc_scoring_requests_total', help: 'Scoring requests per model runtime and outcome (ok, error)',
    labelNames: ['runtime', 'outcome'], registers,
  });
  const scoringSeconds = new Histogram({
    name: 'mlc_scoring_duration_seconds', help: 'Scoring latency per model runtime', labelNames: ['runtime'], buckets: LATENCY_BUCKETS, registers,
  });

  const observer: EngineObserver = {
    batchCommitted(commands, seconds) {
      batchSize.observe(commands);
      commitSeconds.observe(seconds);
    },
    handlerFinished(topic, outcome, seconds) {
      handlerSeconds.observe({ topic, outcome }, seconds);
    },
    externalTasksFetched(tasks, seconds) {
      fetchSeconds.observe(seconds);
      if (tasks > 0) fetchedTasks.inc(tasks);
    },
    scored(runtime, outcome, seconds) {
      scoringRequests.inc({ runtime, outcome });
      scoringSeconds.observe({ runtime }, seconds);
    },
  };
  const detach = engine.observers.add(observer);
  const scrape = async () => {
    snapshot = closed() ? [] : queries.instanceCounts();
    try {
      return await registry.metrics();
    } finally {
      snapshot = null;
    }
  };
  return { registry, scrape, contentType: registry.contentType, detach };
}
