/**
 * A Camunda 8 job worker written with `@camunda8/sdk` exactly as for Camunda 8 Self-Managed,
 * running against this engine's `/v2` API. It serves the `score-model` job type of a diagram's
 * `zeebe:taskDefinition`: it averages the `features` variable, compares the result with the
 * `threshold` task header (`zeebe:taskHeaders`), and completes the job with `score` and
 * `approved` — or throws the BPMN error `INVALID_INPUT` (catch it with an error boundary event)
 * when `features` is not a non-empty list of numbers.
 *
 *   MLC_URL=http://127.0.0.1:8080 npx tsx examples/camunda8-worker/worker.ts
 *   (with --auth basic on the server: also MLC_USER=alice MLC_PASSWORD=secret)
 */
import { pathToFileURL } from 'node:url';
import { Camunda8 } from '@camunda8/sdk';

export interface ScoreWorkerOptions {
  /** the server root, e.g. http://127.0.0.1:8080 (the SDK adds /v2) */
  url: string;
  auth?: { username: string; password: string };
  /** ms between polls when no job is waiting (default 300) */
  pollIntervalMs?: number;
}

/** Starts the worker; `stop()` ends polling. */
export function startScoreWorker(options: ScoreWorkerOptions): { stop(): void } {
  const c8 = new Camunda8({
    ZEEBE_REST_ADDRESS: options.url,
    ...(options.auth
      ? { CAMUNDA_AUTH_STRATEGY: 'BASIC' as const, CAMUNDA_BASIC_AUTH_USERNAME: options.auth.username, CAMUNDA_BASIC_AUTH_PASSWORD: options.auth.password }
      : { CAMUNDA_AUTH_STRATEGY: 'NONE' as const, CAMUNDA_OAUTH_DISABLED: true }),
  });
  const rest = c8.getCamundaRestClient();
  const worker = rest.createJobWorker({
    type: 'score-model',
    worker: 'score-worker',
    timeout: 30_000,
    maxJobsToActivate: 10,
    pollIntervalMs: options.pollIntervalMs ?? 300,
    jobHandler: (job) => {
      const { features } = job.variables as { features?: unknown };
      if (!Array.isArray(features) || features.length === 0 || features.some((f) => typeof f !== 'number')) {
        return job.error({ errorCode: 'INVALID_INPUT', errorMessage: 'features must be a non-empty list of numbers', variables: { rejectedInput: String(features) } });
      }
      const score = (features as number[]).reduce((sum, f) => sum + f, 0) / features.length;
      const threshold = Number((job.customHeaders as Record<string, unknown>).threshold ?? 0.5);
      return job.complete({ score, approved: score >= threshold });
    },
  });
  return { stop: () => worker.stop() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const user = process.env.MLC_USER;
  const worker = startScoreWorker({
    url: process.env.MLC_URL ?? 'http://127.0.0.1:8080',
    auth: user ? { username: user, password: process.env.MLC_PASSWORD ?? '' } : undefined,
  });
  process.once('SIGINT', () => worker.stop());
  console.log('score-model worker polling; Ctrl-C stops it');
}
