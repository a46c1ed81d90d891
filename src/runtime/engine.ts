import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { dialectOf, type SqlDatabase } from '../store/sql-database.js';
import { pino, type Logger } from 'pino';
import type { Synchronous } from '../store/database.js';
import { openStore } from '../store/open-store.js';
import { RuntimeStore } from '../store/runtime-store.js';
import { RepositoryStore } from '../store/repository-store.js';
import { JobStore } from '../store/job-store.js';
import { QueryStore } from '../store/query-store.js';
import type { Queries } from '../store/queries.js';
import { DecisionStore } from '../store/decision-store.js';
import { DecisionService, type DecisionOutcome } from './decisions.js';
import { storeDecisions } from './decision-deployer.js';
import { DecisionEvaluationError } from '../dmn/index.js';
import type { DefinitionRecord, InstanceRecord, JobRecord } from '../store/records.js';
import { SystemClock, type Clock } from './timers/index.js';
import { CommandLoop, type Command, type CommandOptions } from './command-loop.js';
import { runFollowUps } from './events/follow-ups.js';
import type { Effect } from './effects.js';
import { GraphCache, type EngineCore } from './engine-core.js';
import type { ProcessorTable } from './processors/processor.js';
import { elementProcessors } from './processors/table.js';
import { EngineObservers } from './engine-observer.js';
import { HandlerDispatcher, LOCK_MARGIN_MS, type JobHandler, type HandlerOptions } from './handler-dispatcher.js';
import { Scheduler } from './scheduler.js';
import { prepareDeployment, storeDeployment, type DeployRequest, type DeployResult } from './deployer.js';
import { startInstance, cancelInstance, modifyVariables, type StartOptions } from './commands/instance-commands.js';
import { completeJob, failJob, throwJobError, setJobRetries, relockEngineJob, type FailureOptions } from './commands/job-commands.js';
import { completeTask, assignTask } from './commands/task-commands.js';
import { resolveIncident } from './commands/incident-commands.js';
import { setInstanceSuspension, setDefinitionSuspension } from './commands/suspension.js';
import { modifyInstance, type Modification } from './commands/modify-instance.js';
import { deleteDeployment } from './commands/deployment-commands.js';
import { BadRequestError, NotFoundError } from './errors.js';
import { checkVariables, type Variables } from './variables.js';
import { evaluateStartConditions, type ConditionEvaluation } from './events/condition-starts.js';
import { fireEngineJob } from './engine-jobs.js';
import { DefinitionCache } from './definition-cache.js';
import { resolveBudgets, type EngineBudgets } from './budgets.js';
import { checkConstantCycles } from './cycle-budget.js';
import { correlateMessage, broadcastSignal, armStartEvents, type CorrelateMessageRequest, type CorrelationResult } from './events/index.js';
import { DatabaseTime } from '../store/postgres/node-heartbeat.js';
import { ClusterMembership } from './multi-node.js';

export type { CorrelateMessageRequest, CorrelationResult } from './events/index.js';

export interface BroadcastSignalRequest {
  name: string;
  variables?: Variables;
  tenantId?: string | null;
}

export interface EngineOptions {
  /** SQLite file, created if missing; ':memory:' (the default) for tests; or a `postgres://` URL (`?schema=` picks a schema) */
  database?: string;
  /** NORMAL (default) survives application crashes; FULL also power loss */
  synchronous?: Synchronous;
  /** injectable time, for tests that advance it instead of waiting */
  clock?: Clock;
  logger?: Logger;
  /** attempts of a failing job before it becomes an incident (default 3) */
  defaultRetries?: number;
  /** backoff before retry n: min(initial * 2^(n-1), max) ms (default 1 s … 60 s) */
  retryBackoff?: { initial?: number; max?: number };
  /** ms an in-process handler may take per attempt (default 5 min) */
  handlerTimeout?: number;
  /** in-process handler calls running at once (default 256) */
  maxConcurrentHandlers?: number;
  /** most commands in one group-committed transaction (default 1000) */
  maxBatch?: number;
  /** default time zone for timers without one (default UTC) */
  timeZone?: string;
  /** limits on what one process or expression may cost (defaults in budgets.ts and the README) */
  budgets?: Partial<EngineBudgets>;
  /** PostgreSQL (several nodes): ms between this node's heartbeats (default 5 s) */
  heartbeatInterval?: number;
  /** PostgreSQL: ms without a heartbeat after which a node is dead and its jobs are taken over (default 3 heartbeats) */
  nodeGrace?: number;
}

export interface StartRequest extends Omit<StartOptions, 'startEventId' | 'parentInstanceId' | 'parentElementInstanceId'> {
  tenantId?: string | null;
  /** a specific version of the definition (default: the latest) */
  version?: number;
  /** Camunda 7's semantics: a failure before the first wait state throws and starts nothing (default: an incident) */
  rollbackOnFailure?: boolean;
}

/** Several nodes: the scheduler looks for work at least this often (a lost wake-up costs little). */
const MULTI_NODE_MAX_SLEEP = 1000;

/**
 * The embeddable engine: deploy BPMN, start instances, register handlers. Every state change
 * is a command applied in a group-committed SQLite transaction; handlers run after the commit.
 */
export class Engine extends EventEmitter {
  readonly id = `engine:${randomUUID()}`;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly db: SqlDatabase;
  /** read-only queries for REST and the cockpit */
  readonly queries: Queries;
  readonly core: EngineCore;
  readonly timeZone: string | undefined;
  /** metrics hooks: `engine.observers.add(observer)` (see src/observability/metrics.ts) */
  readonly observers = new EngineObservers();
  /** deployed DMN decisions and their evaluation history */
  readonly decisions: DecisionService;
  private readonly loop: CommandLoop;
  private readonly dispatcher: HandlerDispatcher;
  private readonly scheduler: Scheduler;
  private readonly graphs: GraphCache;
  private readonly definitions: DefinitionCache;
  private closed = false;
  private readonly processors: ProcessorTable;
  /** PostgreSQL: this node among the others on the database (heartbeat, wake-ups); undefined on SQLite */
  cluster: ClusterMembership | undefined;
  /** PostgreSQL with the system clock: the database clock, which every node compares lock expiries on */
  private readonly databaseTime: DatabaseTime | undefined;
  private readonly heartbeatInterval: number;

  private constructor(options: EngineOptions) {
    super();
    const budgets = resolveBudgets(options.budgets);
    this.logger = options.logger ?? pino({ level: process.env.MLC_LOG_LEVEL ?? 'warn' });
    this.timeZone = options.timeZone;
    this.processors = elementProcessors;
    this.db = openStore({ database: options.database ?? ':memory:', synchronous: options.synchronous });
    const multiNode = dialectOf(this.db) === 'postgres';
    this.heartbeatInterval = options.heartbeatInterval ?? 5000;
    if (multiNode && !options.clock) {
      const time = (this.databaseTime = new DatabaseTime(this.db));
      time.measure();
      this.clock = new SystemClock({ now: () => time.now() });
    } else {
      this.clock = options.clock ?? new SystemClock();
    }
    const runtime = new RuntimeStore(this.db);
    const repository = new RepositoryStore(this.db);
    const jobs = new JobStore(this.db, { nodeGraceMs: options.nodeGrace ?? this.heartbeatInterval * 3, nodeId: this.id });
    this.queries = new QueryStore(this.db);
    this.graphs = new GraphCache(repository);
    this.definitions = new DefinitionCache(repository);
    this.decisions = new DecisionService(new DecisionStore(this.db), (id) => repository.getDefinition(id)?.deploymentId, () => this.loop.changes);
    const handlerTimeout = options.handlerTimeout ?? 5 * 60_000;
    const maxConcurrent = options.maxConcurrentHandlers ?? 256;
    // several nodes: a lock outlasts the handler's timeout, so its timeout failure commits before another node may take the job
    const handlerLockDuration = handlerTimeout + (multiNode ? LOCK_MARGIN_MS : 0);
    this.dispatcher = new HandlerDispatcher(
      {
        complete: (job, attempt, variables) => this.submit((fx) => completeJob(this.core, job.id, checkVariables(variables), { attempt }, fx)),
        bpmnError: (job, attempt, error) => this.submit((fx) => throwJobError(this.core, job.id, error.code, error.message, error.variables && checkVariables(error.variables), { attempt }, fx)),
        fail: (job, attempt, message, details, retries) => this.submit((fx) => failJob(this.core, job.id, { message, details, retries }, { attempt }, fx)),
        describe: (job, businessKey) => this.describeJob(job, businessKey),
        relock: multiNode ? (job, ms) => this.submit(() => relockEngineJob(this.core, job.id, this.id, ms)) : undefined,
      },
      this.logger,
      handlerTimeout,
      maxConcurrent,
      this.observers,
    );
    const backoffInitial = options.retryBackoff?.initial ?? 1000;
    const backoffMax = options.retryBackoff?.max ?? 60_000;
    const loop = (this.loop = new CommandLoop(this.db, (effects) => this.release(effects), {
      maxBatch: options.maxBatch,
      deferred: runtime.history,
      apply: (changes) => runtime.apply(changes),
      observer: this.observers,
      settle: (effects) => runFollowUps(this.core, effects),
      committed: multiNode ? () => this.cluster?.committed() : undefined,
    }));
    this.core = {
      get changes() {
        return loop.changes;
      },
      isolated: (fn) => loop.isolated(fn),
      runtime,
      repository,
      jobs,
      clock: this.clock,
      retryBackoff: (attempt) => Math.min(backoffInitial * 2 ** Math.max(0, attempt - 1), backoffMax),
      services: {
        store: runtime,
        changes: () => loop.changes,
        rollbackOnFailure: () => loop.rollbackOnFailure,
        now: () => this.clock.now(),
        graphOf: (id) => this.graphs.get(id),
        isHandled: (topic) => this.dispatcher.has(topic),
        engineId: this.id,
        handlerLockDuration,
        defaultRetries: options.defaultRetries ?? 3,
        processors: this.processors,
        timeZone: options.timeZone,
        decisions: this.decisions,
        budgets,
      },
    };
    this.scheduler = new Scheduler(jobs, this.clock, {
      owner: this.id,
      lockDuration: handlerLockDuration,
      handledTopics: () => this.dispatcher.topics(),
      capacity: () => Math.max(0, maxConcurrent * 2 - this.dispatcher.busy),
      isHeld: (jobId) => this.dispatcher.holds(jobId),
      dispatch: (job) => this.dispatcher.dispatch(job, this.jobVariables(job)),
      fire: (job) => void this.submit((fx) => fireEngineJob(this.core, job, fx)).catch((error) => this.jobFailed(job, error)),
      runNow: (acquire) => loop.runNow(() => acquire(loop.changes)),
      beforeAcquire: multiNode ? () => this.cluster?.heartbeat.beatIfLate() : undefined,
    }, this.logger, multiNode ? MULTI_NODE_MAX_SLEEP : undefined);
  }

  /** Opens (or creates) the database and resumes whatever was in flight when it was last closed or killed. */
  static async open(options: EngineOptions = {}): Promise<Engine> {
    const engine = new Engine(options);
    if (dialectOf(engine.db) === 'postgres') {
      // other nodes may be running: their locks stay; a dead node's are free once its heartbeat is stale
      await engine.joinCluster(options.database!);
    } else {
      // SQLite: the exclusive file lock proves the engine that held these locks is gone
      const released = engine.core.jobs.engineLockCount();
      if (released > 0) engine.loop.runNow(() => engine.core.changes.add({ kind: 'releaseEngineLocks' }));
      if (released > 0) engine.logger.info({ released }, 'resuming jobs of a previous run');
    }
    engine.scheduler.wake();
    return engine;
  }

  private async joinCluster(url: string): Promise<void> {
    const runtime = this.core.runtime as RuntimeStore;
    this.cluster = await ClusterMembership.join(this.db, {
      url,
      nodeId: this.id,
      heartbeatIntervalMs: this.heartbeatInterval,
      now: () => this.clock.now(),
      time: this.databaseTime,
      logger: this.logger,
    }, {
      wake: () => this.scheduler.wake(),
      jobsAvailable: (topics) => {
        if (topics === null) this.emit('remoteJobs');
        else for (const topic of topics) this.emit('jobAvailable', topic);
      },
      definitionsChanged: () => this.definitions.invalidate(),
      takeWrittenWork: () => runtime.takeWrittenWork(),
    });
  }

  /** Command runs re-run because another engine node changed what they read (PostgreSQL; always 0 on SQLite). */
  get conflictRetries(): number {
    return this.loop.conflictRetries;
  }

  /** False once the engine is closed or its scheduler stopped re-arming (for readiness checks). */
  get schedulerRunning(): boolean {
    return !this.closed && this.scheduler.running;
  }

  /** The processor of every element kind this engine runs (one table, passed to every step). */
  get stepHooks(): ProcessorTable {
    return this.processors;
  }

  // ------------------------------------------------------------ handlers

  /** Runs `handler` for every job of `topic` (service tasks, send tasks, message throws). */
  handle(topic: string, handler: JobHandler, options?: HandlerOptions): this {
    this.dispatcher.register(topic, handler, options);
    this.scheduler.wake();
    return this;
  }

  // ------------------------------------------------------------ repository

  async deploy(request: DeployRequest): Promise<DeployResult> {
    const prepared = await prepareDeployment(request);
    checkConstantCycles(prepared, this.core.services.budgets!.minTimerCycleInterval, this.clock.now(), this.timeZone);
    const result = await this.submit((fx) => {
      const now = this.clock.now();
      const stored = storeDeployment(this.core.repository, this.core.changes, prepared, now, (definition, graph) => this.graphs.set(definition.id, graph));
      stored.result.decisionDefinitions = storeDecisions(this.core.changes, this.decisions, prepared, stored, now);
      // timer, message and signal start events of the new versions, in the same transaction
      if (stored.result.definitions) armStartEvents(this.core, stored.result.definitions, fx);
      return stored.result;
    });
    if (result.definitions) {
      this.definitions.invalidate();
      this.emit('deployed', result);
    }
    return result;
  }

  definition(id: string): DefinitionRecord {
    const definition = this.definitions.get(id);
    if (!definition) throw new NotFoundError(`No process definition with id '${id}'`);
    return definition;
  }

  latestDefinition(key: string, tenantId: string | null = null, version?: number): DefinitionRecord {
    const definition = version === undefined
      ? this.definitions.latestOf(key, tenantId)
      : this.core.repository.definitionByVersion(key, version, tenantId);
    if (!definition) throw new NotFoundError(`No process definition with key '${key}'${version === undefined ? '' : ` and version ${version}`}`);
    return definition;
  }

  /**
   * Deletes a deployment in one command (serialised with starts); with `cascade` its running
   * instances are cancelled in the same transaction, without it they make the call fail (400).
   */
  async deleteDeployment(deploymentId: string, options: { cascade?: boolean } = {}): Promise<void> {
    try {
      await this.submit((fx) => {
        deleteDeployment(this.core, deploymentId, options.cascade ?? false, fx);
      });
    } finally {
      this.definitions.invalidate();
    }
  }

  /** Call after removing deployments behind the engine's back. */
  invalidateDefinitions(): void {
    this.definitions.invalidate();
  }

  graph(definitionId: string) {
    return this.graphs.get(definitionId);
  }

  /**
   * Evaluates a deployed decision (by definition id, or the latest version of a key) outside any
   * process, recording it in the decision history. A decision that fails throws BadRequestError.
   */
  async evaluateDecision(ref: { id?: string; key?: string; tenantId?: string | null }, variables: Variables = {}, options: { userId?: string | null } = {}): Promise<DecisionOutcome> {
    const checked = checkVariables(variables);
    return this.submit(() => {
      const definition = ref.id !== undefined ? this.decisions.definition(ref.id) : this.decisions.resolve({ key: ref.key ?? '', binding: 'latest', tenantId: ref.tenantId ?? null });
      try {
        return this.decisions.evaluate(definition, checked, { userId: options.userId ?? null }, this.clock.now());
      } catch (error) {
        if (error instanceof DecisionEvaluationError) throw new BadRequestError(error.message);
        throw error;
      }
    });
  }

  // ------------------------------------------------------------ instances

  /** Starts the latest (or a given) version of the process with this key. */
  async start(key: string, request: StartRequest = {}): Promise<InstanceRecord> {
    return this.startById(this.latestDefinition(key, request.tenantId ?? null, request.version).id, request);
  }

  async startById(definitionId: string, request: StartRequest = {}): Promise<InstanceRecord> {
    const definition = this.definition(definitionId);
    const variables = checkVariables(request.variables);
    if (request.businessKey !== undefined && request.businessKey !== null && typeof request.businessKey !== 'string') {
      throw new BadRequestError('businessKey must be a string');
    }
    return this.submit((fx) => startInstance(this.core, definition, { ...request, variables }, fx), { rollbackOnFailure: request.rollbackOnFailure });
  }

  /** Starts at a specific start event (message, signal and timer start events use this). */
  async startAt(definitionId: string, startEventId: string, options: StartOptions = {}): Promise<InstanceRecord> {
    const definition = this.definition(definitionId);
    return this.submit((fx) => startInstance(this.core, definition, { ...options, startEventId }, fx));
  }

  /** Starts with tokens before these elements of the process scope (Camunda 8's start instructions). */
  async startBefore(definitionId: string, elementIds: readonly string[], options: StartOptions = {}): Promise<InstanceRecord> {
    const definition = this.definition(definitionId);
    return this.submit((fx) => startInstance(this.core, definition, { ...options, startBefore: elementIds }, fx));
  }

  async cancel(instanceId: string, reason: string | null = null, actor: string | null = null): Promise<void> {
    return this.submit((fx) => cancelInstance(this.core, instanceId, reason, fx, actor));
  }

  /** Camunda's suspend (true) or activate (false) of running instances, all in one transaction. */
  async setInstanceSuspension(instanceIds: string | readonly string[], suspended: boolean, actor: string | null = null): Promise<void> {
    const ids = typeof instanceIds === 'string' ? [instanceIds] : instanceIds;
    return this.submit((fx) => {
      for (const id of ids) setInstanceSuspension(this.core, id, suspended, actor, fx);
    });
  }

  /** Suspends or activates definitions (all versions of a key, or one by id), with their running instances when asked. */
  async setDefinitionSuspension(definitions: readonly DefinitionRecord[], suspended: boolean, includeProcessInstances: boolean, actor: string | null = null): Promise<void> {
    try {
      await this.submit((fx) => {
        for (const definition of definitions) setDefinitionSuspension(this.core, definition, suspended, includeProcessInstances, actor, fx);
      });
    } finally {
      this.definitions.invalidate();
    }
  }

  /** Camunda's process instance modification: start before/after activities, on flows, cancel activity instances, in one transaction. */
  async modifyInstance(instanceId: string, modification: Modification, actor: string | null = null): Promise<void> {
    return this.submit((fx) => modifyInstance(this.core, instanceId, modification, actor, fx));
  }

  instance(id: string): InstanceRecord {
    const instance = this.core.runtime.getInstance(id);
    if (!instance) throw new NotFoundError(`No process instance with id '${id}'`);
    return instance;
  }

  /** The process-level variables of a running instance. */
  variables(instanceId: string): Variables {
    this.instance(instanceId);
    return this.queries.processVariables(instanceId);
  }

  async setVariables(instanceId: string, variables: Variables, remove: string[] = [], actor: string | null = null): Promise<void> {
    const checked = checkVariables(variables);
    return this.submit((fx) => modifyVariables(this.core, instanceId, checked, remove, fx, actor));
  }

  // ------------------------------------------------------------ messages and signals

  /**
   * Delivers a message to the waiting execution it matches (message catch, receive task, message
   * boundary event, event sub-process, event-based gateway branch) or starts an instance at a
   * message start event. Waiting executions win over start events. No match, or several without
   * `all`, throws a MismatchingMessageCorrelationException.
   */
  correlateMessage(request: CorrelateMessageRequest, options: CommandOptions = {}): Promise<CorrelationResult[]> {
    if (!request || typeof request.messageName !== 'string' || request.messageName === '') {
      return Promise.reject(new BadRequestError('messageName is required'));
    }
    if (request.businessKey !== undefined && request.businessKey !== null && typeof request.businessKey !== 'string') {
      return Promise.reject(new BadRequestError('businessKey must be a string'));
    }
    let variables: Variables | undefined;
    try {
      variables = request.variables === undefined ? undefined : checkVariables(request.variables);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.submit((fx) => correlateMessage(this.core, { ...request, ...(variables ? { variables } : {}) }, fx), options);
  }

  /**
   * Evaluates the conditional start events of the latest process versions (or of one definition)
   * against `variables`; starts an instance at each one whose condition holds and answers them.
   */
  async evaluateConditions(request: ConditionEvaluation = {}): Promise<InstanceRecord[]> {
    const variables = checkVariables(request.variables);
    return this.submit((fx) => evaluateStartConditions(this.core, { ...request, variables }, fx));
  }

  /** Sends a signal to every waiting signal subscription and starts every process with a matching signal start event. */
  broadcastSignal(request: BroadcastSignalRequest): Promise<void> {
    if (!request || typeof request.name !== 'string' || request.name === '') {
      return Promise.reject(new BadRequestError('the signal name is required'));
    }
    let variables: Variables | undefined;
    try {
      variables = request.variables === undefined ? undefined : checkVariables(request.variables);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.submit((fx) => broadcastSignal(this.core, { name: request.name, ...(variables ? { variables } : {}), tenantId: request.tenantId }, fx));
  }

  // ------------------------------------------------------------ user tasks

  /** `rollbackOnFailure`: Camunda 7's semantics, a failure before the next wait state throws and the task stays open (default: an incident) */
  async completeTask(taskId: string, variables: Variables = {}, options: { userId?: string | null } & CommandOptions = {}): Promise<void> {
    const checked = checkVariables(variables);
    return this.submit((fx) => completeTask(this.core, taskId, checked, options.userId ?? null, fx), { rollbackOnFailure: options.rollbackOnFailure });
  }

  async claimTask(taskId: string, userId: string): Promise<void> {
    if (typeof userId !== 'string' || !userId) throw new BadRequestError('claim needs a userId');
    return this.submit((fx) => assignTask(this.core, taskId, userId, 'claim', userId, fx));
  }

  async unclaimTask(taskId: string, actor: string | null = null): Promise<void> {
    return this.submit((fx) => assignTask(this.core, taskId, null, 'set', actor, fx));
  }

  async setAssignee(taskId: string, userId: string | null, actor: string | null = null): Promise<void> {
    return this.submit((fx) => assignTask(this.core, taskId, userId, 'set', actor, fx));
  }

  // ------------------------------------------------------------ jobs, workers, incidents

  /** Remote workers (external tasks) report here; `workerId` must hold the lock. */
  /** `result`: a Camunda 8 job result, for an ad-hoc sub-process's job (`{ type: 'adHocSubProcess', activateElements, ... }`). */
  async completeExternalTask(jobId: string, workerId: string, variables: Variables = {}, result?: unknown): Promise<void> {
    const checked = checkVariables(variables);
    return this.submit((fx) => completeJob(this.core, jobId, checked, { workerId }, fx, result));
  }

  async failExternalTask(jobId: string, workerId: string, failure: FailureOptions): Promise<void> {
    return this.submit((fx) => failJob(this.core, jobId, failure, { workerId }, fx));
  }

  async bpmnErrorExternalTask(jobId: string, workerId: string, code: string, message = '', variables?: Variables): Promise<void> {
    if (typeof code !== 'string' || !code) throw new BadRequestError('errorCode is required');
    const checked = variables && checkVariables(variables);
    return this.submit((fx) => throwJobError(this.core, jobId, code, message, checked, { workerId }, fx));
  }

  async setJobRetries(jobId: string, retries: number): Promise<void> {
    return this.submit((fx) => setJobRetries(this.core, jobId, retries, fx));
  }

  async resolveIncident(incidentId: string, actor: string | null = null): Promise<void> {
    return this.submit((fx) => resolveIncident(this.core, incidentId, fx, actor));
  }

  // ------------------------------------------------------------ plumbing

  /** Applies a command in the next group commit; resolves after the commit. */
  submit<T>(command: Command<T>, options?: CommandOptions): Promise<T> {
    return this.loop.submit(command, options);
  }

  /** Resolves once no command is queued, no handler runs and nothing is due now. For tests and shutdown. */
  async whenIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietRounds = 0;
    while (quietRounds < 3) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      const next = this.core.jobs.nextDue(this.dispatcher.topics());
      const due = next !== null && next <= this.clock.now();
      quietRounds = this.loop.pending === 0 && this.dispatcher.busy === 0 && !due ? quietRounds + 1 : 0;
      // poll directly: due-now jobs (continuations) must run even with a clock that only moves when told
      if (due && this.dispatcher.busy === 0) this.scheduler.poll();
      if (Date.now() > deadline) throw new Error('engine did not become idle in time');
    }
  }

  /** Stops taking work, finishes queued commands and closes the database. Running handlers are abandoned (their jobs resume on next open). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.close();
    this.dispatcher.close();
    this.loop.close();
    this.emit('close');
    try {
      await this.cluster?.leave();
    } catch (error) {
      // the database went away: the other nodes take this node's jobs once its heartbeat is stale
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not leave the other engine nodes cleanly');
    } finally {
      this.db.close();
    }
  }

  private release(effects: Effect[]): void {
    let wakeAt: number | null = null;
    for (const effect of effects) {
      switch (effect.kind) {
        case 'invoke':
          this.dispatcher.dispatch(effect.job, effect.variables, effect.businessKey);
          break;
        case 'wake':
          wakeAt = wakeAt === null ? effect.at : Math.min(wakeAt, effect.at);
          break;
        case 'jobAvailable':
          this.emit('jobAvailable', effect.topic);
          break;
        case 'instanceEnded':
          this.emit('instanceEnded', effect);
          break;
        case 'taskChanged':
          this.emit('taskChanged', effect);
          break;
        case 'incident':
          this.logger.warn({ instanceId: effect.instanceId, incidentId: effect.incidentId }, effect.message);
          this.emit('incident', effect);
          break;
        default: {
          const unknown: never = effect;
          throw new Error(`Unknown effect ${JSON.stringify(unknown)}`);
        }
      }
    }
    if (wakeAt !== null) this.scheduler.wake(wakeAt);
  }

  private describeJob(job: JobRecord, businessKey?: string | null) {
    const graph = this.graphs.get(job.definitionId!);
    const node = graph.nodes[job.elementId!]!;
    const key = businessKey !== undefined ? businessKey : this.core.runtime.getInstance(job.instanceId!)?.businessKey ?? null;
    return {
      element: { id: node.id, name: node.name, type: node.type },
      instance: { id: job.instanceId!, businessKey: key, definitionKey: job.definitionKey!, definitionId: job.definitionId! },
      headers: node.job?.headers ?? {},
    };
  }

  /** Variables visible to a job's element, read from the committed state (recovery, retries). */
  jobVariables(job: JobRecord): Variables {
    return this.queries.visibleVariables(job.instanceId!, job.elementInstanceId);
  }

  private jobFailed(job: JobRecord, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ jobId: job.id, kind: job.kind, err: message }, 'job failed');
    void this.submit((fx) => failJob(this.core, job.id, { message, details: error instanceof Error ? error.stack ?? null : null }, {}, fx)).catch(() => undefined);
  }
}
