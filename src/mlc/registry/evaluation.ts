/**
 * Scoring a model version on a labelled CSV with onnxruntime-node: classification metrics,
 * PSI per feature against the version's training baseline, and a verdict against thresholds.
 */
import { tmpdir } from 'node:os';
import type { VersionRecord } from '../../store/registry-store.js';
import {
  CREDIT_CARD_LABEL, column, DataError, driftReport, evaluateBinary, InvalidOnnxModelError, readCsvFile,
  requireColumns, type DriftBaseline, type ServingModel, type ServingModelLoader, type Table,
} from '../ml/index.js';
import { DEFAULT_MODEL_LIMITS } from '../ml/model-limits.js';
import { IsolatedModel } from '../ml/model-process.js';

export interface Thresholds {
  /** accuracy below this fails */
  minAccuracy: number;
  /** ROC AUC below this fails */
  minAuc: number;
  /** PSI above this on any feature fails (drift) */
  maxPsi: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { minAccuracy: 0.7, minAuc: 0.75, maxPsi: 0.2 };

export interface Metrics {
  n: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auc: number | null;
  logLoss: number;
  confusion: { tp: number; fp: number; tn: number; fn: number };
}

export interface Evaluation {
  metrics: Metrics;
  drift: { maxPsi: number; drifted: string[]; features: { feature: string; psi: number }[] } | null;
  verdict: { passed: boolean; reasons: string[]; thresholds: Thresholds };
  /** the labels and the model's probabilities, row by row (for paired comparisons; not persisted) */
  scored: { labels: number[]; probabilities: number[] };
}

/** A dataset or model problem that makes a test impossible (not a poor result). */
export class EvaluationError extends Error {
  override name = 'EvaluationError';
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export async function loadDataset(path: string, label: string): Promise<Table> {
  try {
    return await readCsvFile(path, { required: [label] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new EvaluationError(`the dataset does not exist`);
    if (error instanceof DataError) throw new EvaluationError(error.message);
    throw error;
  }
}

/** Untrusted by default: the model runs in a model process of its own, under the default limits. */
const isolatedLoader: ServingModelLoader = (bytes) => IsolatedModel.load(bytes, { limits: DEFAULT_MODEL_LIMITS, folder: tmpdir() });

/**
 * Scores the dataset with the model (`loader` decides where it runs; by default in a model
 * process of its own). A model that runs away rejects with ModelRunawayError, not EvaluationError.
 */
export async function evaluateVersion(
  version: VersionRecord, bytes: Uint8Array, table: Table, options: { label?: string; thresholds: Thresholds; loader?: ServingModelLoader },
): Promise<Evaluation> {
  const label = options.label ?? CREDIT_CARD_LABEL;
  let model: ServingModel;
  try {
    model = await (options.loader ?? isolatedLoader)(bytes);
  } catch (error) {
    if (error instanceof InvalidOnnxModelError) throw new EvaluationError(error.message);
    throw error;
  }
  try {
    const features = model.features ?? version.features;
    if (features) {
      try {
        requireColumns(table.columns, features);
      } catch (error) {
        throw new EvaluationError(`the dataset lacks a feature the model needs: ${(error as Error).message}`);
      }
    }
    const labels = column(table, label);
    const rows = features
      ? table.rows.map((r) => Object.fromEntries(features.map((f) => [f, r[table.columns.indexOf(f)]!])))
      : table.rows.map((r) => r.filter((_, j) => table.columns[j] !== label));
    let probabilities: number[];
    try {
      probabilities = await model.score(rows as never);
    } catch (error) {
      if (error instanceof DataError) throw new EvaluationError(error.message);
      throw error;
    }
    const m = evaluateBinary(labels, probabilities);
    const metrics: Metrics = {
      n: m.n,
      accuracy: round(m.accuracy),
      precision: round(m.precision),
      recall: round(m.recall),
      f1: round(m.f1),
      auc: Number.isFinite(m.auc) ? round(m.auc) : null,
      logLoss: round(m.logLoss),
      confusion: m.confusion,
    };
    let drift: Evaluation['drift'] = null;
    const baseline = version.baseline as DriftBaseline | null;
    if (baseline && Array.isArray(baseline.features)) {
      const present = baseline.features.filter((h) => table.columns.includes(h.feature));
      const report = driftReport({ ...baseline, features: present }, table, options.thresholds.maxPsi);
      drift = {
        maxPsi: round(report.maxPsi),
        drifted: report.drifted,
        features: report.features.map((f) => ({ feature: f.feature, psi: round(f.psi) })),
      };
    }
    const t = options.thresholds;
    const reasons: string[] = [];
    if (metrics.accuracy < t.minAccuracy) reasons.push(`accuracy ${metrics.accuracy.toFixed(4)} is below ${t.minAccuracy}`);
    if (metrics.auc !== null && metrics.auc < t.minAuc) reasons.push(`ROC AUC ${metrics.auc.toFixed(4)} is below ${t.minAuc}`);
    if (drift && drift.drifted.length > 0) {
      reasons.push(`PSI above ${t.maxPsi} in ${drift.drifted.map((f) => `${f} (${drift!.features.find((x) => x.feature === f)!.psi.toFixed(3)})`).join(', ')}`);
    }
    return { metrics, drift, verdict: { passed: reasons.length === 0, reasons, thresholds: t }, scored: { labels, probabilities } };
  } finally {
    await model.release().catch(() => undefined);
  }
}

/** Thresholds from (in order) the process variables, the model's metadata, the defaults. */
export function thresholdsFrom(variables: Record<string, unknown>, metadata: Record<string, unknown>, defaults: Thresholds): Thresholds {
  const fromMeta = (metadata.thresholds ?? {}) as Record<string, unknown>;
  const pick = (key: keyof Thresholds) => {
    const v = variables[key] ?? fromMeta[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : defaults[key];
  };
  return { minAccuracy: pick('minAccuracy'), minAuc: pick('minAuc'), maxPsi: pick('maxPsi') };
}
