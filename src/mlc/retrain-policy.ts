/**
 * When a drifted backtest retrains on its own: the policy (on/off and the cool-down) comes from the
 * model's `metadata.retrainOnDrift` ({enabled, cooldownHours}), else the lifecycle options. A
 * drift starts RetrainOnDrift at most once per model per cool-down; the retrained challenger
 * still waits for a human's approval. Automatic starts carry the business key
 * `drift:{modelId}:{testResultId}`, so the start is idempotent per backtest and findable in history.
 */
import type { InstanceRecord } from '../store/records.js';
import type { ModelLifecycle } from './lifecycle.js';

export interface RetrainPolicy {
  /** a drift alert starts RetrainOnDrift */
  onDrift: boolean;
  /** no second automatic start for the same model within this many hours */
  cooldownHours: number;
}

export const DEFAULT_RETRAIN_POLICY: RetrainPolicy = { onDrift: true, cooldownHours: 168 };

export function retrainPolicyOf(lc: ModelLifecycle, model: { metadata: Record<string, unknown> }): RetrainPolicy & { source: 'model' | 'server' } {
  const own = model.metadata.retrainOnDrift;
  if (own && typeof own === 'object' && !Array.isArray(own)) {
    const o = own as Record<string, unknown>;
    return {
      onDrift: typeof o.enabled === 'boolean' ? o.enabled : lc.options.retrain.onDrift,
      cooldownHours: typeof o.cooldownHours === 'number' && o.cooldownHours >= 0 ? o.cooldownHours : lc.options.retrain.cooldownHours,
      source: 'model',
    };
  }
  return { ...lc.options.retrain, source: 'server' };
}

export const driftBusinessKey = (modelId: string, trigger: string) => `drift:${modelId}:${trigger}`;

/** The latest RetrainOnDrift a drift started for the model (any state), or null. */
export function lastAutomaticRetrain(lc: ModelLifecycle, modelId: string): InstanceRecord | null {
  const prefix = driftBusinessKey(modelId, '');
  const found = lc.engine.queries.instances({ processDefinitionKey: 'RetrainOnDrift', businessKeyLike: `${prefix}%`, state: 'any', sortBy: 'startTime', sortOrder: 'desc' })
    // businessKeyLike treats _ and % in the model id as wildcards: keep exact prefixes only
    .filter((i) => i.businessKey?.startsWith(prefix));
  return found[0] ?? null;
}

/** What the model page shows: the policy, the last automatic start and when the next may happen. */
export function retrainPolicyView(lc: ModelLifecycle, model: { id: string; metadata: Record<string, unknown> }) {
  const policy = retrainPolicyOf(lc, model);
  const last = lastAutomaticRetrain(lc, model.id);
  return {
    ...policy,
    lastAutomaticRetrain: last ? { processInstanceId: last.id, businessKey: last.businessKey, startedAt: new Date(last.startedAt).toISOString(), state: last.state } : null,
    nextAllowedAt: last ? new Date(last.startedAt + policy.cooldownHours * 3_600_000).toISOString() : null,
  };
}
