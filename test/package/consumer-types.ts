// Type-checked (not run) in the project that installed the tarball: the declarations of every export resolve.
import { Engine, BpmnError, type JobContext, type HandlerResult, type InstanceRecord, type ProcessGraph, type EngineObserver } from 'mlc-engine';
import { installModelLifecycle, mlcRouter, type ModelLifecycle, type ModelRecord } from 'mlc-engine/mlc';
import { serve, createServerApp, type RunningServer, type ServeOptions } from 'mlc-engine/server';

export async function typed(): Promise<void> {
  const engine: Engine = await Engine.open({ database: ':memory:', defaultRetries: 2 });
  engine.handle('train', async (job: JobContext): Promise<HandlerResult> => {
    if (job.attempt > 3) throw new BpmnError('TRAIN_FAILED', 'gave up');
    return { variables: { modelVersion: 7 } };
  });
  const instance: InstanceRecord = await engine.start('TrainAndGate', { businessKey: 'b', variables: { target: 0.9 } });
  const state: 'active' | string = instance.state;
  const graph: ProcessGraph = engine.graph(instance.definitionId);
  const observer: EngineObserver = { batchCommitted() {}, handlerFinished() {}, externalTasksFetched() {}, scored() {} };
  engine.observers.add(observer);
  const lifecycle: ModelLifecycle = await installModelLifecycle(engine, { dataDir: '/tmp/x', seedDemo: false });
  const models: ModelRecord[] = lifecycle.registry.models();
  createServerApp(engine, { mlc: mlcRouter(lifecycle), cockpit: false });
  const options: ServeOptions = { port: 0, seedDemo: false };
  const running: RunningServer = await serve(options);
  // @ts-expect-error: the engine has no such method; proves the types are real, not any
  engine.noSuchMethod();
  void [state, graph, models, running];
}
