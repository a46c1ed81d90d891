import type { Engine } from '../runtime/engine.js';
import type { MetricsReads } from '../store/queries.js';

export interface HealthCheck {
  name: 'database' | 'scheduler';
  ok: boolean;
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  checks: HealthCheck[];
}

/**
 * Readiness of an engine: its database takes a write transaction now, and its scheduler is armed
 * (a poll queued, running or set for a time), so due timers and jobs will fire.
 */
export function readinessOf(engine: Engine, queries: MetricsReads = engine.queries.metrics): Readiness {
  const write = queries.canWrite();
  const checks: HealthCheck[] = [
    write.ok ? { name: 'database', ok: true } : { name: 'database', ok: false, detail: write.reason },
    engine.schedulerRunning ? { name: 'scheduler', ok: true } : { name: 'scheduler', ok: false, detail: 'the scheduler is stopped' },
  ];
  return { ready: checks.every((c) => c.ok), checks };
}
