/**
 * `request-retrain`: a drifted (or under-threshold) backtest starts RetrainOnDrift for the model,
 * unless the model's retrain policy is off or an automatic retrain started within the cool-down.
 * Idempotent per backtest: the start's business key names the test result, so a redelivered job
 * finds the instance it already started.
 *
 * Only a `retrain` verdict (processes/backtest-verdict.dmn) starts one; an `alert` verdict only
 * alerts. Without a verdict variable (a process that does not judge) any call means retrain.
 *
 * Reads: modelId, verdict, testResultId (the backtest), driftedFeatures, failureReason.
 * Sets: retrainStarted, retrainInstanceId, retrainDecision.
 */
import { BpmnError } from '../../runtime/errors.js';
import { driftBusinessKey, lastAutomaticRetrain, retrainPolicyOf } from '../retrain-policy.js';
import { str, type BuiltinHandler } from './support.js';

export const requestRetrain: BuiltinHandler = (lc) => async (job) => {
  const v = job.variables;
  const modelId = str(v, 'modelId') ?? str(v, 'MODEL_ID');
  if (!modelId) throw new BpmnError('RETRAIN_FAILED', 'the process has no modelId variable');
  const model = lc.registry.model(modelId);
  const policy = retrainPolicyOf(lc, model);
  const trigger = str(v, 'testResultId') ?? job.idempotencyKey;
  const businessKey = driftBusinessKey(modelId, trigger);
  const outcome = (started: string | null, decision: string) => ({ variables: { retrainStarted: started !== null, retrainInstanceId: started, retrainDecision: decision } });

  const already = lc.engine.queries.instances({ processDefinitionKey: 'RetrainOnDrift', businessKey, state: 'any' }).find((i) => i.businessKey === businessKey);
  if (already) return outcome(already.id, `retraining ${modelId} started for this backtest (instance ${already.id})`);
  const verdict = str(v, 'verdict');
  if (verdict !== null && verdict !== 'retrain') return outcome(null, `the backtest verdict is '${verdict}', not 'retrain': ${modelId} is not retrained`);
  if (!policy.onDrift) return outcome(null, `automatic retraining is off for ${modelId} (${policy.source} policy); retrain from the model page`);
  const last = lastAutomaticRetrain(lc, modelId);
  const now = lc.engine.clock.now();
  const cooldownMs = policy.cooldownHours * 3_600_000;
  if (last && now - last.startedAt < cooldownMs) {
    const next = new Date(last.startedAt + cooldownMs).toISOString();
    return outcome(null, `not retraining ${modelId}: an automatic retrain started at ${new Date(last.startedAt).toISOString()} (instance ${last.id}); the ${policy.cooldownHours} h cool-down ends at ${next}`);
  }
  const definition = lc.engine.latestDefinition('RetrainOnDrift');
  const instance = await lc.engine.startAt(definition.id, 'Start_Drift', {
    businessKey,
    variables: {
      MODEL_ID: modelId,
      modelId,
      retrainTrigger: 'drift',
      triggerTestResultId: str(v, 'testResultId'),
      triggerReason: str(v, 'failureReason') ?? str(v, 'testSummary'),
      driftedFeatures: str(v, 'driftedFeatures') ?? '',
    },
  });
  lc.logger.info({ modelId, instanceId: instance.id, trigger }, 'drift started RetrainOnDrift');
  return outcome(instance.id, `retraining ${modelId} started (instance ${instance.id}); the challenger waits for approval`);
};
