/**
 * `alert`: a pino warning, an alert row, and (when a webhook URL is configured) a JSON POST with
 * retries. The row is written once per job; the webhook is attempted after that commit.
 *
 * Reads: alertKind (default 'threshold'), severity (default 'warning'), alertMessage (else built
 * from failureReason / testSummary), modelId, modelVersion, driftedFeatures, supportGroup.
 */
import { randomUUID } from 'node:crypto';
import { list, num, once, str, type BuiltinHandler } from './support.js';

export const alert: BuiltinHandler = (lc) => async (job) =>
  once(lc, job, async () => {
    const v = job.variables;
    const id = randomUUID();
    const modelId = str(v, 'modelId') ?? str(v, 'MODEL_ID');
    const version = num(v, 'modelVersion');
    const drifted = list(v.driftedFeatures);
    const kind = str(v, 'alertKind', drifted.length > 0 ? 'drift' : 'threshold')!;
    const severity = str(v, 'severity', 'warning')!;
    const message = str(v, 'alertMessage') ??
      [
        `${modelId ?? 'model'}${version !== null ? ` v${version}` : ''}: ${str(v, 'failureReason') ?? str(v, 'testSummary') ?? 'threshold exceeded'}`,
        drifted.length ? `drifted features: ${drifted.join(', ')}` : '',
      ].filter(Boolean).join('; ');
    const details = {
      supportGroup: str(v, 'supportGroup', 'ml-support'),
      driftedFeatures: drifted,
      testResultId: str(v, 'testResultId'),
      accuracy: num(v, 'accuracy'),
      auc: num(v, 'auc'),
      maxPsi: num(v, 'maxPsi'),
      processInstanceId: job.instance.id,
      businessKey: job.instance.businessKey,
    };
    const webhook = lc.options.webhookUrl;
    return {
      variables: { alertId: id, alertRaised: true },
      write: () =>
        lc.store.insertAlert({
          id, modelId, version, severity, kind, message, details, instanceId: job.instance.id,
          webhookStatus: webhook ? 'pending' : null, createdAt: lc.engine.clock.now(),
        }),
      after: async () => {
        lc.logger.warn({ alertId: id, modelId, version, kind, driftedFeatures: drifted, instanceId: job.instance.id }, message);
        lc.emit('alert', lc.store.alert(id));
        if (webhook) {
          const status = await lc.postWebhook(webhook, { id, modelId, version, severity, kind, message, details, createdAt: new Date(lc.engine.clock.now()).toISOString() }, job.signal);
          lc.store.setAlertWebhookStatus(id, status);
        }
      },
    };
  });
