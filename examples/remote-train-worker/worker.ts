/**
 * A remote worker for the `train` topic, using camunda-external-task-client-js against the
 * engine's Camunda 7 REST API: it fetches `train` jobs, trains a logistic regression on its own
 * copy of the data (`DATA_ROOT/<trainingData>`), uploads the ONNX model with its baseline to
 * `POST /mlc/models/{id}/versions`, and completes the job with `trainingStatus: 'succeeded'` and
 * the new `modelVersion` — so OnModelChanged / RetrainOnDrift go straight on to testing.
 *
 * The server must not handle `train` itself: `installModelLifecycle(engine, { skipTopics: ['train'] })`.
 *
 *   MLC_URL=http://127.0.0.1:8080 MLC_USER=worker MLC_PASSWORD=secret DATA_ROOT=./data \
 *     npx tsx examples/remote-train-worker/worker.ts
 */
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BasicAuthInterceptor, Client, Variables, type Task, type TaskService } from 'camunda-external-task-client-js';
import {
  buildBaseline, column, CREDIT_CARD_LABEL, evaluateBinary, exportLogisticRegressionToOnnx, featureMatrix, fitLogisticRegression,
  parseCsv, predictProba,
} from '../../src/mlc/ml/index.js';

export interface TrainWorkerOptions {
  /** the server, e.g. http://127.0.0.1:8080 (REST at /engine-rest, the registry at /mlc) */
  url: string;
  /** where the worker finds `trainingData` paths (its copy of the server's data directory) */
  dataRoot: string;
  auth?: { username: string; password: string };
  workerId?: string;
  /** ms between polls (default 300) */
  interval?: number;
}

export function startTrainWorker(options: TrainWorkerOptions): { stop(): void; trained: () => number } {
  const client = new Client({
    baseUrl: `${options.url}/engine-rest`,
    workerId: options.workerId ?? 'remote-train-worker',
    interval: options.interval ?? 300,
    lockDuration: 10 * 60_000,
    maxTasks: 1,
    ...(options.auth ? { interceptors: new BasicAuthInterceptor(options.auth) } : {}),
  });
  // (types: the package ships none; the repository's declaration is test/http/camunda-external-task-client.d.ts)
  let trained = 0;
  const headers: Record<string, string> = options.auth
    ? { authorization: `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}` }
    : {};

  client.subscribe('train', async ({ task, taskService }: { task: Task; taskService: TaskService }) => {
    const modelId = String(task.variables.get('modelId') ?? task.variables.get('MODEL_ID') ?? '');
    const trainingData = String(task.variables.get('trainingData') ?? '');
    try {
      if (!modelId || !trainingData) throw new BusinessError('the task has no modelId or trainingData variable');
      const relative = normalize(trainingData);
      if (relative.startsWith('..') || relative.startsWith('/')) throw new BusinessError(`trainingData '${trainingData}' is outside the data root`);
      const table = parseCsv(await readFile(join(options.dataRoot, relative), 'utf8'), { source: trainingData, required: [CREDIT_CARD_LABEL] });
      const features = table.columns.filter((c) => c !== CREDIT_CARD_LABEL);
      const x = featureMatrix(table, features);
      const y = column(table, CREDIT_CARD_LABEL);
      const fit = fitLogisticRegression(x, y, features);
      const metrics = evaluateBinary(y, predictProba(fit.model, x));
      const onnx = exportLogisticRegressionToOnnx(fit.model, { metadata: { 'mlc.trained_by': 'remote-train-worker' } });

      const form = new FormData();
      form.append('model', new Blob([Buffer.from(onnx)]), `${modelId}.onnx`);
      form.append('trainingData', trainingData);
      form.append('hyperParameters', JSON.stringify({ l2: 1e-3 }));
      form.append('trainingMetrics', JSON.stringify({ accuracy: metrics.accuracy, auc: metrics.auc, logLoss: metrics.logLoss, rows: x.length }));
      form.append('baseline', JSON.stringify(buildBaseline(table, features)));
      form.append('createdByInstance', task.processInstanceId);
      const response = await fetch(`${options.url}/mlc/models/${encodeURIComponent(modelId)}/versions`, { method: 'POST', body: form, headers });
      const body = (await response.json()) as { version?: number; message?: string };
      if (!response.ok || typeof body.version !== 'number') throw new BusinessError(`the registry refused the model: ${body.message ?? response.status}`);

      trained++;
      await taskService.complete(task, new Variables().set('trainingStatus', 'succeeded').set('modelVersion', body.version).set('trainingJobId', `remote:${task.id}`));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // bad input is a business error (the process routes it to a review); anything else is retried
      if (error instanceof BusinessError || (error as NodeJS.ErrnoException).code === 'ENOENT' || (error as Error).name === 'DataError') {
        await taskService.handleBpmnError(task, 'TRAIN_FAILED', message);
      } else {
        await taskService.handleFailure(task, { errorMessage: message, retries: 0 });
      }
    }
  });
  return { stop: () => client.stop(), trained: () => trained };
}

class BusinessError extends Error {}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.env.MLC_URL ?? 'http://127.0.0.1:8080';
  const user = process.env.MLC_USER;
  const worker = startTrainWorker({
    url,
    dataRoot: process.env.DATA_ROOT ?? './data',
    ...(user ? { auth: { username: user, password: process.env.MLC_PASSWORD ?? '' } } : {}),
  });
  console.log(`remote train worker polling ${url}/engine-rest for topic 'train'`);
  process.once('SIGINT', () => {
    worker.stop();
    process.exit(0);
  });
}
