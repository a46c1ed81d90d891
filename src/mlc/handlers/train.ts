/**
 * `train`: starts a background training job (child process) and returns `trainingJobId` and
 * `trainingStatus` ('running'); the process then polls `training-status` on a timer loop. With
 * `training.waitForCompletion` the handler waits for the job and returns its final status.
 *
 * Reads: modelId, modelVersion (the base), trainingData (else metadata.trainingData),
 * hyperParameters (object, optional).
 */
import { BpmnError } from '../../runtime/errors.js';
import type { BuiltinHandler } from './support.js';
import { asBpmnError, num, str } from './support.js';

export const train: BuiltinHandler = (lc) => async (job) => {
  const modelId = str(job.variables, 'modelId') ?? str(job.variables, 'MODEL_ID');
  if (!modelId) throw new BpmnError('TRAIN_FAILED', 'the process has no modelId variable');
  let record;
  try {
    const model = lc.registry.model(modelId);
    const trainingData = str(job.variables, 'trainingData') ?? (typeof model.metadata.trainingData === 'string' ? model.metadata.trainingData : null);
    if (!trainingData) throw new BpmnError('TRAIN_FAILED', `no trainingData variable and model '${modelId}' names none in its metadata`);
    const hyper = job.variables.hyperParameters;
    // the training job row is keyed by the idempotency key: a redelivered job finds its running job
    record = lc.training.start({
      modelId,
      trainingData,
      hyperParameters: hyper && typeof hyper === 'object' && !Array.isArray(hyper) ? (hyper as Record<string, unknown>) : (model.metadata.hyperParameters as Record<string, unknown> | undefined) ?? {},
      baseVersion: num(job.variables, 'modelVersion'),
      instanceId: job.instance.id,
      idempotencyKey: job.idempotencyKey,
    });
  } catch (error) {
    asBpmnError(error, 'TRAIN_FAILED');
  }
  if (!lc.options.training.waitForCompletion) return { variables: { trainingJobId: record.id, trainingStatus: record.status } };
  const status = await lc.training.whenFinished(record.id);
  return {
    variables: {
      trainingJobId: record.id,
      trainingStatus: status.status,
      trainingError: status.error,
      // what the alert and the review task show when training failed
      ...(status.status === 'failed' ? { failureReason: `training of ${status.modelId} failed: ${status.error ?? 'no reason recorded'}` } : {}),
      ...(status.version !== null ? { modelVersion: status.version } : {}),
    },
  };
};

/** `training-status`: reads the job; when it succeeded, `modelVersion` becomes the trained version. */
export const trainingStatus: BuiltinHandler = (lc) => async (job) => {
  const jobId = str(job.variables, 'trainingJobId');
  if (!jobId) throw new BpmnError('TRAIN_FAILED', 'the process has no trainingJobId variable');
  let status;
  try {
    status = lc.training.status(jobId);
  } catch (error) {
    asBpmnError(error, 'TRAIN_FAILED');
  }
  return {
    variables: {
      trainingStatus: status.status,
      trainingError: status.error,
      // what the alert and the review task show when training failed
      ...(status.status === 'failed' ? { failureReason: `training of ${status.modelId} failed: ${status.error ?? 'no reason recorded'}` } : {}),
      ...(status.version !== null ? { modelVersion: status.version } : {}),
    },
  };
};
