/** The built-in handlers by topic. Each can be replaced with `engine.handle(topic, ...)` before install. */
import type { JobHandler } from '../../runtime/handler-dispatcher.js';
import type { ModelLifecycle } from '../lifecycle.js';
import { alert } from './alert.js';
import { compare } from './compare.js';
import { deploy } from './deploy.js';
import { getDeployedModel } from './deployed-model.js';
import { describeChanges } from './describe-changes.js';
import { setModelStatus } from './model-status.js';
import { test } from './test.js';
import { train, trainingStatus } from './train.js';

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
] as const;
export type BuiltinTopic = (typeof BUILTIN_TOPICS)[number];

export function builtinHandlers(lc: ModelLifecycle): Record<BuiltinTopic, JobHandler> {
  return {
    train: train(lc),
    'training-status': trainingStatus(lc),
    test: test(lc),
    compare: compare(lc),
    deploy: deploy(lc),
    alert: alert(lc),
    'get-deployed-model': getDeployedModel(lc),
    'set-model-status': setModelStatus(lc),
    'describe-changes': describeChanges(lc),
  };
}
