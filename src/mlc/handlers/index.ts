/** The built-in handlers by topic. Each can be replaced with `engine.handle(topic, ...)` before install. */
import type { JobHandler } from '../../runtime/handler-dispatcher.js';
import type { ModelLifecycle } from '../lifecycle.js';
import { withoutPaths } from '../errors.js';
import { alert } from './alert.js';
import { compare } from './compare.js';
import { deploy } from './deploy.js';
import { getDeployedModel } from './deployed-model.js';
import { describeChanges } from './describe-changes.js';
import { setModelStatus } from './model-status.js';
import { requestRetrain } from './request-retrain.js';
import { test } from './test.js';
import { train, trainingStatus } from './train.js';
import { verifyDeployment } from './verify-deployment.js';
import { undeployModel } from './undeploy-model.js';
import { revokeModelStatus } from './revoke-model-status.js';

export const BUILTIN_TOPICS = [
  'train',
  'training-status',
  'test',
  'compare',
  'deploy',
  'alert',
  'get-deployed-model',
  'set-model-status',
  'describe-changes',
  'request-retrain',
  'verify-deployment',
  'undeploy-model',
  'revoke-model-status',
] as const;
export type BuiltinTopic = (typeof BUILTIN_TOPICS)[number];

export function builtinHandlers(lc: ModelLifecycle): Record<BuiltinTopic, JobHandler> {
  const handlers: Record<BuiltinTopic, JobHandler> = {
    train: train(lc),
    'training-status': trainingStatus(lc),
    test: test(lc),
    compare: compare(lc),
    deploy: deploy(lc),
    alert: alert(lc),
    'get-deployed-model': getDeployedModel(lc),
    'set-model-status': setModelStatus(lc),
    'describe-changes': describeChanges(lc),
    'request-retrain': requestRetrain(lc),
    'verify-deployment': verifyDeployment(lc),
    'undeploy-model': undeployModel(lc),
    'revoke-model-status': revokeModelStatus(lc),
  };
  for (const topic of BUILTIN_TOPICS) handlers[topic] = withoutPathsInErrors(lc, handlers[topic]);
  return handlers;
}

/**
 * A handler's error message becomes an incident message or a process variable that REST callers
 * read: absolute paths are cut from it (the error keeps its class, so BpmnError and
 * NonRetryableError still mean what they mean).
 */
function withoutPathsInErrors(lc: ModelLifecycle, handler: JobHandler): JobHandler {
  return async (job) => {
    try {
      return await handler(job);
    } catch (error) {
      if (error instanceof Error) error.message = withoutPaths(error.message, lc.dataDir);
      throw error;
    }
  };
}
