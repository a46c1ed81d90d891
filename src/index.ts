/** The embedding API of mlc-engine. */
export { Engine, type EngineOptions, type StartRequest } from './runtime/engine.js';
export { BpmnError, EngineError, NotFoundError, BadRequestError, ConflictError, NonRetryableError } from './runtime/errors.js';
export { ParseError, type DeployRequest, type DeployResult, type DeployResource } from './runtime/deployer.js';
export type { JobContext, JobHandler, HandlerResult, HandlerOptions } from './runtime/handler-dispatcher.js';
export { SystemClock, ManualClock, type Clock } from './runtime/timers/index.js';
export { compileBpmn } from './bpmn/index.js';
export type { ProcessGraph, FlowNode, Problem } from './bpmn/graph.js';
export type { Variables } from './runtime/variables.js';
export type { InstanceRecord, DefinitionRecord, JobRecord } from './store/records.js';
export type { EngineObserver, HandlerOutcome } from './runtime/engine-observer.js';

// the server (also `mlc-engine/server`) and the model lifecycle (also `mlc-engine/mlc`)
export {
  serve, deployProcessFolder, isLoopback, createServerApp, createRouter, createEngineMetrics, observabilityRouter, readinessOf, createLogger,
  type ServeOptions, type RunningServer, type ServerApp, type ServerAppOptions, type CamundaRouter, type RouterOptions, type EngineMetrics,
} from './server.js';
export {
  installModelLifecycle, mlcRouter, ModelLifecycle, ModelRegistry, RuntimeManager, BUILTIN_TOPICS, PROCESS_KEYS, DEMO_MODEL_ID, MlcError,
  type ModelLifecycleOptions, type MlcRouterOptions, type ModelRecord, type VersionRecord, type RuntimeRecord, type ScoreResult,
} from './mlc/index.js';
export { compileDmn, DecisionEvaluationError } from './dmn/index.js';
export type { DecisionGraph, Decision, DecisionTable, HitPolicy } from './dmn/graph.js';
export type { DecisionOutcome } from './runtime/decisions.js';
export type { DecisionDefinitionRecord, DecisionInstanceRecord } from './store/decision-store.js';

// `engine.router()`: the REST layer depends on the runtime, never the reverse, so the convenience
// method is attached here, where both are known.
import { Engine as EngineClass } from './runtime/engine.js';
import { createRouter, type CamundaRouter, type RouterOptions } from './http/router.js';

declare module './runtime/engine.js' {
  interface Engine {
    /** The Camunda 7 REST API as an express router: `app.use('/engine-rest', engine.router())`. */
    router(options?: RouterOptions): CamundaRouter;
  }
}

EngineClass.prototype.router = function router(this: EngineClass, options?: RouterOptions): CamundaRouter {
  return createRouter(this, options);
};
