import type { RegistryStore } from '../store/registry-store.js';

export interface FeaturePsi {
  modelId: string;
  version: number;
  feature: string;
  psi: number;
}

/**
 * PSI per feature from the latest test result of each model that measured drift (the evaluation
 * stores `drift: { maxPsi, drifted, features: [{ feature, psi }] }`). Entries that are not a
 * finite number are left out: a gauge cannot carry them.
 */
export function latestPsi(store: RegistryStore): FeaturePsi[] {
  const out: FeaturePsi[] = [];
  for (const model of store.models()) {
    const results = store.testResults({ modelId: model.id });
    for (let i = results.length - 1; i >= 0; i--) {
      const result = results[i]!;
      const features = (result.drift as { features?: unknown } | null)?.features;
      if (!Array.isArray(features)) continue;
      for (const entry of features as Array<{ feature?: unknown; psi?: unknown }>) {
        if (typeof entry?.feature === 'string' && typeof entry.psi === 'number' && Number.isFinite(entry.psi)) {
          out.push({ modelId: model.id, version: result.version, feature: entry.feature, psi: entry.psi });
        }
      }
      break;
    }
  }
  return out;
}
