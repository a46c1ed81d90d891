/**
 * Model lifecycles on the engine: `installModelLifecycle(engine, { dataDir })` adds the model
 * registry, scoring runtimes, background training, the built-in handlers and the bundled
 * processes; `mlcRouter(lifecycle)` is its REST API, mounted at `/mlc`.
 */
export {
  installModelLifecycle,
  ModelLifecycle,
  bundledProcessesDir,
  PROCESS_KEYS,
  type ModelLifecycleOptions,
  type ResolvedOptions,
  type SubmitOptions,
} from './lifecycle.js';
export { mlcRouter, type MlcRouterOptions } from './http/router.js';
export { BUILTIN_TOPICS, builtinHandlers, type BuiltinTopic } from './handlers/index.js';
export { ModelRegistry, type ModelInput, type VersionInput } from './registry/registry.js';
export { RuntimeManager, DeployError, STAGES, type RuntimeInput, type ScoreResult } from './registry/runtimes.js';
export { TrainingManager, type TrainingRequest, type TrainingStatus } from './training/trainer.js';
export { checkTrainers, type Trainers } from './training/trainers.js';
export { DEFAULT_MODEL_LIMITS, ModelRunawayError, type ModelLimits } from './ml/index.js';
export { evaluateVersion, DEFAULT_THRESHOLDS, type Thresholds, type Evaluation } from './registry/evaluation.js';
export { VERSION_STATUSES, canMove, type VersionStatus } from './registry/status.js';
export { ID_PATTERN } from './registry/ids.js';
export { MlcError } from './errors.js';
export { DEMO_MODEL_ID } from './seed.js';
export type { AuditReport } from './audit.js';
export type {
  ModelRecord, VersionRecord, RuntimeRecord, DeploymentRecord, TestResultRecord, AlertRecord, TrainingJobRecord,
} from '../store/registry-store.js';
