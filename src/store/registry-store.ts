/**
 * SQL of the model-lifecycle registry (src/mlc): models, versions and their status events,
 * runtimes, deployments, test results, alerts, training jobs and the idempotency ledger of the
 * built-in handlers. Tables come from migration 3 in schema.ts. Every statement is prepared once;
 * JSON columns are (de)serialised here so callers see plain objects.
 */
import { dialectOf, type SqlDatabase, type SqlStatement } from './sql-database.js';

export interface ModelRecord {
  id: string;
  name: string;
  type: string;
  ownerGroup: string | null;
  metadata: Record<string, unknown>;
  createdAt: number;
}

export interface VersionRecord {
  modelId: string;
  version: number;
  status: string;
  /** artifact path relative to the data directory */
  artifact: string;
  sha256: string;
  size: number;
  features: string[] | null;
  inputSchema: unknown;
  trainingData: string | null;
  hyperParameters: Record<string, unknown> | null;
  trainingMetrics: Record<string, unknown> | null;
  baseline: unknown;
  description: string | null;
  createdByInstance: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface VersionEventRecord {
  seq: number;
  modelId: string;
  version: number;
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  instanceId: string | null;
  actor: string | null;
  at: number;
  data: Record<string, unknown> | null;
}

export interface RuntimeRecord {
  name: string;
  stage: string;
  tags: string[];
  capabilities: string[];
  /** the input features the runtime's callers send, in order; null accepts any schema */
  features: string[] | null;
  description: string | null;
  createdAt: number;
}

export interface DeploymentRecord {
  id: string;
  modelId: string;
  version: number;
  runtime: string;
  stage: string;
  /** active | replaced | undeployed */
  status: string;
  instanceId: string | null;
  deployedAt: number;
  endedAt: number | null;
}

export interface TestResultRecord {
  id: string;
  modelId: string;
  version: number;
  dataset: string;
  purpose: string;
  passed: boolean;
  metrics: Record<string, unknown> | null;
  drift: Record<string, unknown> | null;
  verdict: Record<string, unknown>;
  error: string | null;
  instanceId: string | null;
  createdAt: number;
}

export interface AlertRecord {
  id: string;
  modelId: string | null;
  version: number | null;
  severity: string;
  kind: string;
  message: string;
  details: Record<string, unknown> | null;
  instanceId: string | null;
  webhookStatus: string | null;
  createdAt: number;
}

export interface TrainingJobRecord {
  id: string;
  idempotencyKey: string | null;
  modelId: string;
  baseVersion: number | null;
  /** running | succeeded | failed */
  status: string;
  spec: Record<string, unknown>;
  resultVersion: number | null;
  error: string | null;
  logFile: string | null;
  instanceId: string | null;
  startedAt: number;
  endedAt: number | null;
}

type Row = Record<string, any>;

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));
const parse = (text: unknown): any => (typeof text === 'string' ? JSON.parse(text) : null);

const toModel = (r: Row): ModelRecord => ({
  id: r.id,
  name: r.name,
  type: r.type,
  ownerGroup: r.owner_group,
  metadata: parse(r.metadata) ?? {},
  createdAt: r.created_at,
});

const toVersion = (r: Row): VersionRecord => ({
  modelId: r.model_id,
  version: r.version,
  status: r.status,
  artifact: r.artifact,
  sha256: r.sha256,
  size: r.size,
  features: parse(r.features),
  inputSchema: parse(r.input_schema),
  trainingData: r.training_data,
  hyperParameters: parse(r.hyper_parameters),
  trainingMetrics: parse(r.training_metrics),
  baseline: parse(r.baseline),
  description: r.description,
  createdByInstance: r.created_by_instance,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toEvent = (r: Row): VersionEventRecord => ({
  seq: r.seq,
  modelId: r.model_id,
  version: r.version,
  kind: r.kind,
  fromStatus: r.from_status,
  toStatus: r.to_status,
  instanceId: r.instance_id,
  actor: r.actor,
  at: r.at,
  data: parse(r.data),
});

const toRuntime = (r: Row): RuntimeRecord => ({
  name: r.name,
  stage: r.stage,
  tags: parse(r.tags) ?? [],
  capabilities: parse(r.capabilities) ?? [],
  features: parse(r.features),
  description: r.description,
  createdAt: r.created_at,
});

const toDeployment = (r: Row): DeploymentRecord => ({
  id: r.id,
  modelId: r.model_id,
  version: r.version,
  runtime: r.runtime,
  stage: r.stage,
  status: r.status,
  instanceId: r.instance_id,
  deployedAt: r.deployed_at,
  endedAt: r.ended_at,
});

const toTestResult = (r: Row): TestResultRecord => ({
  id: r.id,
  modelId: r.model_id,
  version: r.version,
  dataset: r.dataset,
  purpose: r.purpose,
  passed: r.passed === 1,
  metrics: parse(r.metrics),
  drift: parse(r.drift),
  verdict: parse(r.verdict) ?? {},
  error: r.error,
  instanceId: r.instance_id,
  createdAt: r.created_at,
});

const toAlert = (r: Row): AlertRecord => ({
  id: r.id,
  modelId: r.model_id,
  version: r.version,
  severity: r.severity,
  kind: r.kind,
  message: r.message,
  details: parse(r.details),
  instanceId: r.instance_id,
  webhookStatus: r.webhook_status,
  createdAt: r.created_at,
});

const toTrainingJob = (r: Row): TrainingJobRecord => ({
  id: r.id,
  idempotencyKey: r.idempotency_key,
  modelId: r.model_id,
  baseVersion: r.base_version,
  status: r.status,
  spec: parse(r.spec) ?? {},
  resultVersion: r.result_version,
  error: r.error,
  logFile: r.log_file,
  instanceId: r.instance_id,
  startedAt: r.started_at,
  endedAt: r.ended_at,
});

export interface AlertQuery {
  modelId?: string;
  version?: number;
  limit?: number;
}

export interface DeploymentQuery {
  modelId?: string;
  version?: number;
  runtime?: string;
  activeOnly?: boolean;
}

export class RegistryStore {
  private readonly s;
  /** PostgreSQL (several engine nodes): serialises version numbering per model */
  private readonly versionLock: SqlStatement | undefined;

  constructor(readonly db: SqlDatabase) {
    const p = (sql: string) => db.prepare(sql);
    this.versionLock = dialectOf(db) === 'postgres' ? p(`SELECT pg_advisory_xact_lock(hashtext(?)) AS locked`) : undefined;
    this.s = {
      insertModel: p(`INSERT INTO mlc_models (id, name, type, owner_group, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
      updateModel: p(`UPDATE mlc_models SET name = ?, type = ?, owner_group = ?, metadata = ? WHERE id = ?`),
      model: p(`SELECT * FROM mlc_models WHERE id = ?`),
      models: p(`SELECT * FROM mlc_models ORDER BY id`),
      insertVersion: p(`INSERT INTO mlc_versions (model_id, version, status, artifact, sha256, size, features, input_schema,
        training_data, hyper_parameters, training_metrics, baseline, description, created_by_instance, created_at, updated_at)
        VALUES (@modelId, @version, @status, @artifact, @sha256, @size, @features, @inputSchema,
        @trainingData, @hyperParameters, @trainingMetrics, @baseline, @description, @createdByInstance, @createdAt, @updatedAt)`),
      version: p(`SELECT * FROM mlc_versions WHERE model_id = ? AND version = ?`),
      versions: p(`SELECT * FROM mlc_versions WHERE model_id = ? ORDER BY version`),
      maxVersion: p(`SELECT max(version) AS n FROM mlc_versions WHERE model_id = ?`),
      setStatus: p(`UPDATE mlc_versions SET status = ?, updated_at = ? WHERE model_id = ? AND version = ? AND status = ?`),
      insertEvent: p(`INSERT INTO mlc_version_events (model_id, version, kind, from_status, to_status, instance_id, actor, at, data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      events: p(`SELECT * FROM mlc_version_events WHERE model_id = ? AND version = ? ORDER BY seq`),
      upsertRuntime: p(`INSERT INTO mlc_runtimes (name, stage, tags, capabilities, features, description, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET stage = excluded.stage, tags = excluded.tags, capabilities = excluded.capabilities,
        features = excluded.features, description = excluded.description`),
      runtime: p(`SELECT * FROM mlc_runtimes WHERE name = ?`),
      runtimes: p(`SELECT * FROM mlc_runtimes ORDER BY name`),
      deleteRuntime: p(`DELETE FROM mlc_runtimes WHERE name = ?`),
      insertDeployment: p(`INSERT INTO mlc_deployments (id, model_id, version, runtime, stage, status, instance_id, deployed_at, ended_at)
        VALUES (?, ?, ?, ?, ?, 'active', ?, ?, NULL)`),
      endDeployments: p(`UPDATE mlc_deployments SET status = ?, ended_at = ? WHERE runtime = ? AND status = 'active'`),
      deployment: p(`SELECT * FROM mlc_deployments WHERE id = ?`),
      activeOnRuntime: p(`SELECT * FROM mlc_deployments WHERE runtime = ? AND status = 'active' ORDER BY deployed_at DESC LIMIT 1`),
      activeDeployments: p(`SELECT * FROM mlc_deployments WHERE status = 'active' ORDER BY deployed_at`),
      activeCountOfVersion: p(`SELECT count(*) AS n FROM mlc_deployments WHERE model_id = ? AND version = ? AND status = 'active'`),
      insertTestResult: p(`INSERT INTO mlc_test_results (id, model_id, version, dataset, purpose, passed, metrics, drift, verdict, error, instance_id, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      testResult: p(`SELECT * FROM mlc_test_results WHERE id = ?`),
      testResultsOfVersion: p(`SELECT * FROM mlc_test_results WHERE model_id = ? AND version = ? ORDER BY created_at, rowid`),
      testResultsOfModel: p(`SELECT * FROM mlc_test_results WHERE model_id = ? ORDER BY created_at, rowid`),
      testResults: p(`SELECT * FROM mlc_test_results ORDER BY created_at, rowid LIMIT ?`),
      insertAlert: p(`INSERT INTO mlc_alerts (id, model_id, version, severity, kind, message, details, instance_id, webhook_status, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      setAlertWebhook: p(`UPDATE mlc_alerts SET webhook_status = ? WHERE id = ?`),
      alert: p(`SELECT * FROM mlc_alerts WHERE id = ?`),
      // the casts give PostgreSQL a type for a parameter it sees only beside IS NULL
      alerts: p(`SELECT * FROM mlc_alerts WHERE (CAST(@modelId AS text) IS NULL OR model_id = @modelId) AND (CAST(@version AS bigint) IS NULL OR version = @version)
        ORDER BY created_at DESC, rowid DESC LIMIT @limit`),
      insertTrainingJob: p(`INSERT INTO mlc_training_jobs (id, idempotency_key, model_id, base_version, status, spec, result_version, error, log_file, instance_id, started_at, ended_at)
        VALUES (?, ?, ?, ?, 'running', ?, NULL, NULL, ?, ?, ?, NULL)`),
      finishTrainingJob: p(`UPDATE mlc_training_jobs SET status = ?, result_version = ?, error = ?, ended_at = ? WHERE id = ? AND status = 'running'`),
      trainingJob: p(`SELECT * FROM mlc_training_jobs WHERE id = ?`),
      trainingJobByKey: p(`SELECT * FROM mlc_training_jobs WHERE idempotency_key = ?`),
      trainingJobsOfModel: p(`SELECT * FROM mlc_training_jobs WHERE model_id = ? ORDER BY started_at, rowid`),
      runningTrainingJobs: p(`SELECT * FROM mlc_training_jobs WHERE status = 'running' ORDER BY rowid`),
      handlerOutcome: p(`SELECT outcome FROM mlc_handler_results WHERE idempotency_key = ?`),
      saveHandlerOutcome: p(`INSERT OR IGNORE INTO mlc_handler_results (idempotency_key, topic, outcome, created_at) VALUES (?, ?, ?, ?)`),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---------------------------------------------------------------- models

  insertModel(m: ModelRecord): void {
    this.s.insertModel.run(m.id, m.name, m.type, m.ownerGroup, JSON.stringify(m.metadata), m.createdAt);
  }

  updateModel(m: ModelRecord): void {
    this.s.updateModel.run(m.name, m.type, m.ownerGroup, JSON.stringify(m.metadata), m.id);
  }

  model(id: string): ModelRecord | undefined {
    const r = this.s.model.get(id) as Row | undefined;
    return r && toModel(r);
  }

  models(): ModelRecord[] {
    return (this.s.models.all() as Row[]).map(toModel);
  }

  // ---------------------------------------------------------------- versions

  /**
   * The number the model's next version gets. Called inside the transaction that inserts it: on
   * PostgreSQL it first takes a transaction-scoped advisory lock per model, so two engine nodes
   * registering versions of one model at once number them one after the other.
   */
  nextVersionNumber(modelId: string): number {
    if (this.versionLock && this.db.inTransaction) this.versionLock.get(`mlc-model-version:${modelId}`);
    const r = this.s.maxVersion.get(modelId) as Row;
    return (r.n ?? 0) + 1;
  }

  insertVersion(v: VersionRecord): void {
    this.s.insertVersion.run({
      ...v,
      features: json(v.features),
      inputSchema: JSON.stringify(v.inputSchema ?? null),
      hyperParameters: json(v.hyperParameters),
      trainingMetrics: json(v.trainingMetrics),
      baseline: json(v.baseline),
    });
  }

  version(modelId: string, version: number): VersionRecord | undefined {
    const r = this.s.version.get(modelId, version) as Row | undefined;
    return r && toVersion(r);
  }

  versions(modelId: string): VersionRecord[] {
    return (this.s.versions.all(modelId) as Row[]).map(toVersion);
  }

  /** Compare-and-set: true when the version was in `from` and now is in `to`. */
  setStatus(modelId: string, version: number, from: string, to: string, at: number): boolean {
    return this.s.setStatus.run(to, at, modelId, version, from).changes === 1;
  }

  insertEvent(e: Omit<VersionEventRecord, 'seq'>): void {
    this.s.insertEvent.run(e.modelId, e.version, e.kind, e.fromStatus, e.toStatus, e.instanceId, e.actor, e.at, json(e.data));
  }

  events(modelId: string, version: number): VersionEventRecord[] {
    return (this.s.events.all(modelId, version) as Row[]).map(toEvent);
  }

  // ---------------------------------------------------------------- runtimes

  upsertRuntime(r: RuntimeRecord): void {
    this.s.upsertRuntime.run(r.name, r.stage, JSON.stringify(r.tags), JSON.stringify(r.capabilities), json(r.features), r.description, r.createdAt);
  }

  runtime(name: string): RuntimeRecord | undefined {
    const r = this.s.runtime.get(name) as Row | undefined;
    return r && toRuntime(r);
  }

  runtimes(): RuntimeRecord[] {
    return (this.s.runtimes.all() as Row[]).map(toRuntime);
  }

  deleteRuntime(name: string): boolean {
    return this.s.deleteRuntime.run(name).changes === 1;
  }

  // ---------------------------------------------------------------- deployments

  /** Ends whatever the runtime served (status `replaced`) and records the new deployment. */
  insertDeployment(d: Omit<DeploymentRecord, 'status' | 'endedAt'>): void {
    this.s.endDeployments.run('replaced', d.deployedAt, d.runtime);
    this.s.insertDeployment.run(d.id, d.modelId, d.version, d.runtime, d.stage, d.instanceId, d.deployedAt);
  }

  endDeploymentsOn(runtime: string, status: 'replaced' | 'undeployed', at: number): void {
    this.s.endDeployments.run(status, at, runtime);
  }

  deployment(id: string): DeploymentRecord | undefined {
    const r = this.s.deployment.get(id) as Row | undefined;
    return r && toDeployment(r);
  }

  activeDeploymentOn(runtime: string): DeploymentRecord | undefined {
    const r = this.s.activeOnRuntime.get(runtime) as Row | undefined;
    return r && toDeployment(r);
  }

  activeDeployments(): DeploymentRecord[] {
    return (this.s.activeDeployments.all() as Row[]).map(toDeployment);
  }

  activeDeploymentCount(modelId: string, version: number): number {
    return (this.s.activeCountOfVersion.get(modelId, version) as Row).n;
  }

  deployments(q: DeploymentQuery = {}): DeploymentRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.modelId !== undefined) (where.push('model_id = ?'), params.push(q.modelId));
    if (q.version !== undefined) (where.push('version = ?'), params.push(q.version));
    if (q.runtime !== undefined) (where.push('runtime = ?'), params.push(q.runtime));
    if (q.activeOnly) where.push(`status = 'active'`);
    // only fixed column names are concatenated; every value is a bound parameter
    const sql = `SELECT * FROM mlc_deployments${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY deployed_at, rowid`;
    return (this.db.prepare(sql).all(...params) as Row[]).map(toDeployment);
  }

  // ---------------------------------------------------------------- test results

  insertTestResult(t: TestResultRecord): void {
    this.s.insertTestResult.run(t.id, t.modelId, t.version, t.dataset, t.purpose, t.passed ? 1 : 0, json(t.metrics), json(t.drift),
      JSON.stringify(t.verdict), t.error, t.instanceId, t.createdAt);
  }

  testResult(id: string): TestResultRecord | undefined {
    const r = this.s.testResult.get(id) as Row | undefined;
    return r && toTestResult(r);
  }

  testResults(q: { modelId?: string; version?: number; limit?: number } = {}): TestResultRecord[] {
    if (q.modelId !== undefined && q.version !== undefined) return (this.s.testResultsOfVersion.all(q.modelId, q.version) as Row[]).map(toTestResult);
    if (q.modelId !== undefined) return (this.s.testResultsOfModel.all(q.modelId) as Row[]).map(toTestResult);
    return (this.s.testResults.all(q.limit ?? 1000) as Row[]).map(toTestResult);
  }

  // ---------------------------------------------------------------- alerts

  insertAlert(a: AlertRecord): void {
    this.s.insertAlert.run(a.id, a.modelId, a.version, a.severity, a.kind, a.message, json(a.details), a.instanceId, a.webhookStatus, a.createdAt);
  }

  setAlertWebhookStatus(id: string, status: string): void {
    this.s.setAlertWebhook.run(status, id);
  }

  alert(id: string): AlertRecord | undefined {
    const r = this.s.alert.get(id) as Row | undefined;
    return r && toAlert(r);
  }

  alerts(q: AlertQuery = {}): AlertRecord[] {
    return (this.s.alerts.all({ modelId: q.modelId ?? null, version: q.version ?? null, limit: q.limit ?? 1000 }) as Row[]).map(toAlert);
  }

  // ---------------------------------------------------------------- training jobs

  insertTrainingJob(j: Omit<TrainingJobRecord, 'status' | 'resultVersion' | 'error' | 'endedAt'>): void {
    this.s.insertTrainingJob.run(j.id, j.idempotencyKey, j.modelId, j.baseVersion, JSON.stringify(j.spec), j.logFile, j.instanceId, j.startedAt);
  }

  finishTrainingJob(id: string, status: 'succeeded' | 'failed', resultVersion: number | null, error: string | null, at: number): boolean {
    return this.s.finishTrainingJob.run(status, resultVersion, error, at, id).changes === 1;
  }

  trainingJob(id: string): TrainingJobRecord | undefined {
    const r = this.s.trainingJob.get(id) as Row | undefined;
    return r && toTrainingJob(r);
  }

  trainingJobByKey(key: string): TrainingJobRecord | undefined {
    const r = this.s.trainingJobByKey.get(key) as Row | undefined;
    return r && toTrainingJob(r);
  }

  trainingJobs(modelId: string): TrainingJobRecord[] {
    return (this.s.trainingJobsOfModel.all(modelId) as Row[]).map(toTrainingJob);
  }

  runningTrainingJobs(): TrainingJobRecord[] {
    return (this.s.runningTrainingJobs.all() as Row[]).map(toTrainingJob);
  }

  // ---------------------------------------------------------------- handler idempotency

  handlerOutcome(key: string): unknown {
    const r = this.s.handlerOutcome.get(key) as Row | undefined;
    return r ? JSON.parse(r.outcome) : undefined;
  }

  saveHandlerOutcome(key: string, topic: string, outcome: unknown, at: number): void {
    this.s.saveHandlerOutcome.run(key, topic, JSON.stringify(outcome), at);
  }
}
