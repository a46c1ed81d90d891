/**
 * `get-deployed-model`: the version serving on a stage, for monitors. Sets modelId,
 * modelVersion, runtimeName and deployedModelFound, plus backtestData: yesterday's labelled data
 * (the `backtestData` pattern of the lifecycle options, `{date}` = yesterday by the engine clock).
 *
 * For retraining it also sets recentData, compareData and trainingPollInterval (variables, else
 * the model's metadata).
 *
 * Reads: modelId / MODEL_ID (optional: else the lifecycle's monitored model, else the latest
 * deployment on the stage), monitoredStage / deployStage (default PROD).
 */
import { str, type BuiltinHandler } from './support.js';

export const getDeployedModel: BuiltinHandler = (lc) => async (job) => {
  const v = job.variables;
  const stage = (str(v, 'monitoredStage') ?? str(v, 'deployStage') ?? lc.options.backtest.stage).toUpperCase();
  const modelId = str(v, 'modelId') ?? str(v, 'MODEL_ID') ?? lc.options.backtest.modelId;
  const deployment = lc.deployedVersion(modelId, stage);
  const yesterday = new Date(lc.engine.clock.now() - 86_400_000).toISOString().slice(0, 10);
  const backtestData = str(v, 'backtestData') ?? lc.options.backtest.data.replaceAll('{date}', yesterday);
  if (!deployment) {
    return { variables: { deployedModelFound: false, modelId: modelId ?? null, monitoredStage: stage, backtestData } };
  }
  const model = lc.registry.model(deployment.modelId);
  return {
    variables: {
      deployedModelFound: true,
      modelId: deployment.modelId,
      modelVersion: deployment.version,
      championVersion: deployment.version,
      runtimeName: deployment.runtime,
      monitoredStage: stage,
      deployStage: stage,
      runtimeTags: Array.isArray(model.metadata.runtimeTags) ? model.metadata.runtimeTags : [],
      approvalGroup: approvalGroupOf(model),
      reviewGroup: model.ownerGroup ?? 'data-science',
      backtestData,
      backtestDate: yesterday,
      // retraining: the challenger's training data and the data both models are compared on
      recentData: str(v, 'recentData') ?? meta(model.metadata, 'recentData') ?? meta(model.metadata, 'trainingData'),
      compareData: str(v, 'compareData') ?? meta(model.metadata, 'compareData') ?? meta(model.metadata, 'testData'),
      trainingPollInterval: str(v, 'trainingPollInterval') ?? meta(model.metadata, 'trainingPollInterval') ?? 'PT5S',
      approved: v.approved ?? null,
    },
  };
};

export function approvalGroupOf(model: { type: string; metadata: Record<string, unknown> }): string {
  return typeof model.metadata.approvalGroup === 'string' ? model.metadata.approvalGroup : `${model.type}-approvers`;
}

const meta = (metadata: Record<string, unknown>, key: string): string | null => (typeof metadata[key] === 'string' ? (metadata[key] as string) : null);
