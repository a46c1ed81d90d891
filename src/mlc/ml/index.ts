/**
 * Pure ML building blocks for the engine's train / test / deploy handlers:
 * plain data in, plain data out, no engine state.
 */
export { createRng, mulberry32, deriveSeed, type Rng } from './random.js';
export {
  parseCsv,
  formatCsv,
  readCsvFile,
  writeCsvFile,
  requireColumns,
  column,
  featureMatrix,
  DataError,
  type Table,
  type ParseCsvOptions,
} from './csv.js';
export {
  generateCreditCardQuarter,
  CREDIT_CARD_FEATURES,
  CREDIT_CARD_LABEL,
  DRIFTED_FEATURES,
  QUARTERS,
  QUARTER_DRIFT,
  DEFAULT_SEED,
  DEFAULT_ROWS,
  type Quarter,
  type CreditCardFeature,
  type CreditCardOptions,
} from './credit-card-data.js';
export {
  fitLogisticRegression,
  predictProba,
  type LogisticModel,
  type FitOptions,
  type FitReport,
} from './logistic-regression.js';
export {
  exportLogisticRegressionToOnnx,
  readOnnxMetadata,
  InvalidOnnxModelError,
  ONNX_INPUT_NAME,
  ONNX_PROBABILITY_OUTPUT,
  ONNX_LABEL_OUTPUT,
  FEATURES_METADATA_KEY,
  MODEL_KIND_METADATA_KEY,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  type OnnxExportOptions,
  type OnnxMetadata,
  type OnnxTensorInfo,
} from './onnx-export.js';
export {
  loadScoringModel,
  scoreRows,
  releaseScoringModel,
  toInputMatrix,
  HotSwapModel,
  loadServingModel,
  describeScoringModel,
  type ServingModel,
  type ServingModelLoader,
  type ScoringSignature,
  type ScoringModel,
  type ScoringRows,
  type HotSwapStatus,
} from './scoring.js';
export {
  confusionMatrix,
  accuracy,
  accuracyOf,
  precisionOf,
  recallOf,
  f1Of,
  rocAuc,
  logLoss,
  evaluateBinary,
  rocCurve,
  type RocPoint,
  type ConfusionMatrix,
  type ClassificationMetrics,
} from './metrics.js';
export {
  buildBaseline,
  buildHistogram,
  binIndex,
  binProportions,
  psi,
  featurePsi,
  driftReport,
  PSI_SIGNIFICANT,
  PSI_MODERATE,
  PSI_EPSILON,
  type DriftBaseline,
  type FeatureHistogram,
  type FeatureDrift,
  type DriftReport,
} from './drift.js';
export {
  compareModels,
  COMPARED_METRICS,
  type ComparedMetric,
  type MetricDelta,
  type ModelComparison,
} from './compare.js';
export { bootstrapDifference, BOOTSTRAP_METRICS, type BootstrapInterval, type BootstrapMetric } from './bootstrap.js';
export { DEFAULT_MODEL_LIMITS, checkModelLimits, type ModelLimits } from './model-limits.js';
export { IsolatedModel, ModelProcess, ModelRunawayError, type RunawayReason, type ModelProcessOptions } from './model-process.js';
