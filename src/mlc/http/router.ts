/**
 * The model-lifecycle REST API, an express 5 Router meant to be mounted at `/mlc`:
 *
 *   models and versions (multipart ONNX upload or register by path), submit (starts
 *   OnModelChanged), status moves, audit, training jobs, runtimes and scoring, deployments,
 *   test results, alerts, the lifecycle's open tasks, and manual starts of the monitors.
 *
 * Bodies are validated with ajv; errors are `{type, message}` with a fitting status.
 */
import { retrainPolicyView } from '../retrain-policy.js';
import { Ajv, type ValidateFunction } from 'ajv';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { BadRequestError, NotFoundError } from '../../runtime/errors.js';
import { VariableError } from '../../runtime/variables.js';
import type { ModelLifecycle } from '../lifecycle.js';
import { badRequest, jsonDepth, MlcError, notFound, withoutPaths } from '../errors.js';
import { checkId, checkVersionNumber } from '../registry/ids.js';
import type { VersionRecord } from '../../store/registry-store.js';
import * as S from './schemas.js';
import { readUpload } from './upload.js';
import { identityOf } from '../../identity/identity-service.js';
import { authorizeCompletion } from '../../identity/task-authorization.js';
import { AuthorizationError } from '../../identity/authorization-error.js';
import { checkManualApproval } from '../approval-guard.js';

export interface MlcRouterOptions {
  /** largest accepted ONNX upload (default 64 MiB) */
  maxUploadBytes?: number;
  /** JSON body limit (default 5 MB: scoring batches) */
  jsonLimit?: string;
  /** deepest nesting accepted in a JSON body or JSON form field (default 64) */
  maxJsonDepth?: number;
}

/** Form fields that may come with a model upload, beyond the file itself. */
const UPLOAD_FIELDS_ALLOWANCE = 20 * 64 * 1024 + 64 * 1024;

const ajv = new Ajv({ allErrors: false, allowUnionTypes: true, strict: false });
const validators = new Map<object, ValidateFunction>();

function body<T>(schema: { title: string }, value: unknown): T {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile(schema)));
  const data = value === undefined || value === null ? {} : value;
  if (!validate(data)) {
    const e = validate.errors?.[0];
    const where = e?.instancePath ? `'${e.instancePath.slice(1).replace(/\//g, '.')}'` : 'the body';
    const extra = e?.keyword === 'additionalProperties' ? ` ('${(e.params as { additionalProperty: string }).additionalProperty}')` : '';
    throw new MlcError(400, 'ValidationError', `invalid ${schema.title}: ${where} ${e?.message ?? 'is invalid'}${extra}`);
  }
  return data as T;
}

interface VersionBody {
  trainingData?: string | null;
  description?: string | null;
  hyperParameters?: Record<string, unknown> | null;
  trainingMetrics?: Record<string, unknown> | null;
  baseline?: Record<string, unknown> | null;
  createdByInstance?: string | null;
}

type Handler = (req: Request, res: Response) => unknown;
const wrap = (fn: Handler) => async (req: Request, res: Response, next: NextFunction) => {
  try {
    const result = await fn(req, res);
    if (!res.headersSent) {
      if (result === undefined) res.status(204).end();
      else res.json(result);
    }
  } catch (error) {
    next(error);
  }
};

const actorOf = (res: Response): string | null => (typeof res.locals.userId === 'string' ? res.locals.userId : null);
const param = (req: Request, name: string): string => String(req.params[name] ?? '');
const query = (req: Request, name: string): string | undefined => {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

function versionDto(v: VersionRecord) {
  const { baseline, ...rest } = v;
  return { ...rest, hasBaseline: baseline !== null, links: { artifact: `/mlc/models/${v.modelId}/versions/${v.version}/artifact`, audit: `/mlc/models/${v.modelId}/versions/${v.version}/audit` } };
}

export function mlcRouter(lc: ModelLifecycle, options: MlcRouterOptions = {}): Router {
  const router = express.Router();
  const maxUpload = options.maxUploadBytes ?? 64 * 1024 * 1024;
  const maxDepth = options.maxJsonDepth ?? 64;
  router.use(express.json({ limit: options.jsonLimit ?? '5mb' }));
  // deeper bodies are refused here, before ajv, the store or JSON.stringify recurse through them
  router.use((req: Request, _res: Response, next: NextFunction) => {
    next(req.body !== undefined && jsonDepth(req.body, maxDepth) > maxDepth ? tooDeep(maxDepth) : undefined);
  });
  const { registry, runtimes, store, engine } = lc;

  const modelParam = (req: Request) => checkId(param(req, 'id'), 'model id');
  const versionParam = (req: Request) => checkVersionNumber(param(req, 'n'));

  // ------------------------------------------------------------ models
  router.get('/models', wrap(() => registry.models()));
  router.post('/models', wrap((req, res) => {
    const b = body<{ id: string; name?: string; type?: string; ownerGroup?: string | null; metadata?: Record<string, unknown> }>(S.CreateModel, req.body);
    res.status(201);
    return registry.createModel(b);
  }));
  router.get('/models/:id', wrap((req) => {
    const model = registry.model(modelParam(req));
    return {
      ...model, versions: registry.versions(model.id).map(versionDto), deployments: store.deployments({ modelId: model.id, activeOnly: true }),
      retrainPolicy: retrainPolicyView(lc, model),
    };
  }));
  router.patch('/models/:id', wrap((req) => registry.updateModel(modelParam(req), body(S.PatchModel, req.body))));

  // ------------------------------------------------------------ versions
  router.get('/models/:id/versions', wrap((req) => registry.versions(modelParam(req)).map(versionDto)));
  router.post('/models/:id/versions', wrap(async (req, res) => {
    const modelId = modelParam(req);
    registry.model(modelId);
    let version: VersionRecord;
    if (req.is('multipart/form-data')) {
      // a declared length over the limit is refused before a byte of the body is read
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxUpload + UPLOAD_FIELDS_ALLOWANCE) {
        res.set('connection', 'close');
        throw new MlcError(413, 'PayloadTooLarge', `the upload declares ${declared} bytes; a model file may have at most ${maxUpload}`);
      }
      const upload = await readUpload(req, maxUpload);
      const fields = body<VersionBody>(
        S.VersionFields,
        {
          ...(upload.fields.trainingData ? { trainingData: upload.fields.trainingData } : {}),
          ...(upload.fields.description ? { description: upload.fields.description } : {}),
          ...(upload.fields.hyperParameters ? { hyperParameters: parseJsonField('hyperParameters', upload.fields.hyperParameters, maxDepth) } : {}),
          ...(upload.fields.trainingMetrics ? { trainingMetrics: parseJsonField('trainingMetrics', upload.fields.trainingMetrics, maxDepth) } : {}),
          ...(upload.fields.baseline ? { baseline: parseJsonField('baseline', upload.fields.baseline, maxDepth) } : {}),
          ...(upload.fields.createdByInstance ? { createdByInstance: upload.fields.createdByInstance } : {}),
        },
      );
      version = await registry.registerVersion(modelId, { bytes: upload.bytes, ...fields, actor: actorOf(res) });
    } else {
      const b = body<VersionBody & { path: string }>(S.RegisterVersion, req.body);
      version = await registry.registerVersion(modelId, { ...b, actor: actorOf(res) });
    }
    res.status(201);
    return versionDto(version);
  }));
  router.get('/models/:id/versions/:n', wrap((req) => versionDto(registry.version(modelParam(req), versionParam(req)))));
  router.get('/models/:id/versions/:n/baseline', wrap((req) => registry.version(modelParam(req), versionParam(req)).baseline));
  router.get('/models/:id/versions/:n/artifact', wrap((req, res) => {
    const v = registry.version(modelParam(req), versionParam(req));
    const bytes = registry.readArtifact(v);
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-disposition', `attachment; filename="${v.modelId}-v${v.version}.onnx"`);
    res.setHeader('x-content-sha256', v.sha256);
    res.end(Buffer.from(bytes));
  }));
  router.post('/models/:id/versions/:n/status', wrap((req, res) => {
    const b = body<{ status: string; reason?: string | null }>(S.SetStatus, req.body);
    if (b.status === 'deployed') throw badRequest('a version becomes deployed through a deployment (the deploy task), not by setting its status');
    if (b.status === 'approved') checkManualApproval(lc, actorOf(res), modelParam(req), versionParam(req));
    return versionDto(registry.transition(modelParam(req), versionParam(req), b.status, { actor: actorOf(res), reason: b.reason ?? null }));
  }));
  router.post('/models/:id/versions/:n/submit', wrap(async (req, res) => {
    const b = body<{ variables?: Record<string, unknown> }>(S.Submit, req.body);
    identityOf(engine).require(actorOf(res), 'submit', modelParam(req));
    const instance = await lc.submit(modelParam(req), versionParam(req), { actor: actorOf(res), variables: b.variables });
    res.status(201);
    return { processInstanceId: instance.id, businessKey: instance.businessKey, definitionKey: instance.definitionKey, state: instance.state };
  }));
  router.get('/models/:id/versions/:n/audit', wrap((req) => lc.audit(modelParam(req), versionParam(req))));
  router.get('/models/:id/versions/:n/test-results', wrap((req) => {
    const v = registry.version(modelParam(req), versionParam(req));
    return store.testResults({ modelId: v.modelId, version: v.version });
  }));

  // ------------------------------------------------------------ training
  router.post('/models/:id/training-jobs', wrap((req, res) => {
    const modelId = modelParam(req);
    const model = registry.model(modelId);
    const b = body<{ trainingData?: string; hyperParameters?: Record<string, unknown> }>(S.StartTraining, req.body);
    const trainingData = b.trainingData ?? (typeof model.metadata.trainingData === 'string' ? model.metadata.trainingData : undefined);
    if (!trainingData) throw badRequest(`give trainingData: model '${modelId}' names none in its metadata`);
    res.status(202);
    return lc.training.start({ modelId, trainingData, hyperParameters: b.hyperParameters });
  }));
  router.get('/models/:id/training-jobs', wrap((req) => store.trainingJobs(registry.model(modelParam(req)).id)));
  router.get('/training-jobs/:jobId', wrap((req) => {
    const job = lc.training.job(checkId(param(req, 'jobId'), 'training job id'));
    return { ...job, log: lc.training.log(job.id) };
  }));

  // ------------------------------------------------------------ runtimes
  router.get('/runtimes', wrap(() => runtimes.list().map((r) => ({ ...r, deployment: runtimes.active(r.name) ?? null }))));
  router.post('/runtimes', wrap((req, res) => {
    const b = body<{ name?: string; stage: string }>(S.Runtime, req.body);
    if (!b.name) throw badRequest('a runtime needs a name');
    if (store.runtime(b.name)) throw new MlcError(409, 'Conflict', `runtime '${b.name}' already exists (PUT /mlc/runtimes/${b.name} updates it)`);
    res.status(201);
    return runtimes.upsert(b as never);
  }));
  router.put('/runtimes/:name', wrap((req) => {
    const b = body<{ name?: string }>(S.Runtime, req.body);
    const name = checkId(param(req, 'name'), 'runtime name');
    if (b.name !== undefined && b.name !== name) throw badRequest(`the body names runtime '${b.name}' but the path '${name}'`);
    return runtimes.upsert({ ...(b as Record<string, unknown>), name } as never);
  }));
  router.get('/runtimes/:name', wrap((req) => runtimes.status(param(req, 'name'))));
  router.delete('/runtimes/:name', wrap(async (req) => {
    await runtimes.remove(param(req, 'name'));
  }));
  router.post('/runtimes/:name/undeploy', wrap(async (req) => {
    await runtimes.undeploy(param(req, 'name'));
  }));
  router.post('/runtimes/:name/score', wrap(async (req) => {
    const b = body<{ rows: Record<string, number>[] | number[][] }>(S.Score, req.body);
    return runtimes.score(param(req, 'name'), b.rows);
  }));

  // ------------------------------------------------------------ deployments, tests, alerts
  router.get('/deployments', wrap((req) => store.deployments({
    modelId: query(req, 'modelId'),
    runtime: query(req, 'runtime'),
    version: query(req, 'version') === undefined ? undefined : checkVersionNumber(query(req, 'version')),
    activeOnly: query(req, 'active') === 'true',
  })));
  router.get('/test-results', wrap((req) => store.testResults({
    modelId: query(req, 'modelId'),
    version: query(req, 'version') === undefined ? undefined : checkVersionNumber(query(req, 'version')),
  })));
  router.get('/test-results/:testId', wrap((req) => {
    const t = store.testResult(param(req, 'testId'));
    if (!t) throw notFound(`no test result '${param(req, 'testId')}'`);
    return t;
  }));
  router.get('/alerts', wrap((req) => store.alerts({
    modelId: query(req, 'modelId'),
    limit: query(req, 'limit') === undefined ? undefined : Math.min(1000, checkVersionNumber(query(req, 'limit'))),
  })));

  // ------------------------------------------------------------ the lifecycle's human tasks
  router.get('/tasks', wrap((req) => {
    const modelId = query(req, 'modelId');
    const tasks = engine.queries.tasks({ candidateGroup: query(req, 'candidateGroup'), includeAssignedTasks: true, sortBy: 'created', sortOrder: 'asc' })
      // the Camunda 8 flavours (processes/c8/) too
      .filter((t) => ['OnModelChanged', 'RetrainOnDrift', 'DailyBacktesting'].includes(t.definitionKey.replace(/C8$/, '')));
    return tasks
      .map((t) => ({ task: t, variables: engine.queries.visibleVariables(t.instanceId, t.elementInstanceId) }))
      .filter((x) => !modelId || x.variables.modelId === modelId)
      .map(({ task, variables }) => ({
        id: task.id,
        name: task.name,
        taskDefinitionKey: task.elementId,
        processInstanceId: task.instanceId,
        processDefinitionKey: task.definitionKey,
        businessKey: engine.queries.businessKeyOf(task.instanceId),
        candidateGroups: task.candidateGroups,
        assignee: task.assignee,
        created: new Date(task.createdAt).toISOString(),
        variables,
      }));
  }));
  router.post('/tasks/:taskId/complete', wrap(async (req, res) => {
    const b = body<{ variables?: Record<string, unknown> }>(S.CompleteTask, req.body);
    const task = engine.core.runtime.getTask(param(req, 'taskId'));
    if (!task) throw notFound(`no task '${param(req, 'taskId')}'`);
    authorizeCompletion(identityOf(engine), task, actorOf(res), b.variables ?? {});
    await engine.completeTask(task.id, b.variables ?? {}, { userId: actorOf(res) });
  }));

  // ------------------------------------------------------------ monitors, run now
  router.post('/backtests', wrap(async (req, res) => {
    const b = body<{ modelId?: string; variables?: Record<string, unknown> }>(S.StartMonitor, req.body);
    const instance = await startAt(lc, 'DailyBacktesting', 'Start_Manual', { ...(b.modelId ? { modelId: b.modelId } : {}), ...b.variables }, actorOf(res));
    res.status(201);
    return { processInstanceId: instance.id, definitionKey: instance.definitionKey };
  }));
  router.post('/retraining', wrap(async (req, res) => {
    const b = body<{ modelId?: string; variables?: Record<string, unknown> }>(S.StartMonitor, req.body);
    const instance = await startAt(lc, 'RetrainOnDrift', 'Start_Manual', { ...(b.modelId ? { modelId: b.modelId } : {}), ...b.variables }, actorOf(res));
    res.status(201);
    return { processInstanceId: instance.id, definitionKey: instance.definitionKey };
  }));

  router.use((req: Request, res: Response) => {
    res.status(404).json({ type: 'NotFound', message: `nothing at ${req.method} /mlc${req.path.slice(0, 200)}` });
  });
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, type, message } = describeError(error);
    if (status >= 500) lc.logger.error({ err: error }, 'mlc request failed');
    res.status(status).json({ type, message: withoutPaths(message, lc.dataDir) });
  });
  return router;
}

async function startAt(lc: ModelLifecycle, key: string, startEventId: string, variables: Record<string, unknown>, actor: string | null) {
  identityOf(lc.engine).require(actor, 'start', key);
  const definition = lc.engine.latestDefinition(key);
  return lc.engine.startAt(definition.id, startEventId, { variables, actor });
}

function parseJsonField(name: string, text: string, maxDepth: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest(`field '${name}' must be JSON`);
  }
  if (jsonDepth(value, maxDepth) > maxDepth) throw tooDeep(maxDepth);
  return value;
}

const tooDeep = (maxDepth: number) => new MlcError(400, 'ValidationError', `the JSON nests deeper than ${maxDepth} levels`);

function describeError(error: unknown): { status: number; type: string; message: string } {
  if (error instanceof AuthorizationError) return { status: 403, type: error.type, message: error.message };
  if (error instanceof MlcError) return { status: error.status, type: error.type, message: error.message };
  if (error instanceof NotFoundError) return { status: 404, type: 'NotFound', message: error.message };
  if (error instanceof BadRequestError) return { status: 400, type: 'BadRequest', message: error.message };
  if (error instanceof VariableError) return { status: 400, type: 'BadRequest', message: error.message };
  const e = error as { type?: string; status?: number; statusCode?: number; message?: string };
  // express.json: malformed JSON, too large
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, type: e.type === 'entity.too.large' ? 'PayloadTooLarge' : 'BadRequest', message: e.message ?? 'bad request' };
  }
  return { status: 500, type: 'InternalError', message: 'the request failed; see the server log' };
}
