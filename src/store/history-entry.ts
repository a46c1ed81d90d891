/**
 * Every kind of history entry the runtime writes: the audit trail is append-only and its kinds
 * are a closed set, so a reader that switches over them can be checked for completeness.
 */
export type HistoryKind =
  // instances
  | 'instanceStarted'
  | 'instanceCompleted'
  | 'instanceTerminated'
  | 'instanceCancelled'
  | 'calledInstanceStarted'
  | 'instanceSuspended'
  | 'instanceActivated'
  /** Camunda's process instance modification: the instructions and annotation (the tokens moved have rows of their own) */
  | 'instanceModified'
  // element instances (one row when entered and left in one step)
  | 'activityStarted'
  | 'activityCompleted'
  | 'activityTerminated'
  | 'gatewayActivated'
  | 'eventSubProcessTriggered'
  // variables
  | 'variableSet'
  // user tasks
  | 'taskCreated'
  | 'taskAssigned'
  | 'taskCompleted'
  | 'taskDeleted'
  // incidents
  | 'incidentCreated'
  | 'incidentResolved'
  // events
  | 'executionSignalled'
  | 'adHocActivated'
  | 'decisionEvaluated'
  | 'timerFired'
  | 'messageCorrelated'
  | 'signalReceived'
  | 'signalThrown'
  | 'errorThrown'
  | 'errorCaught'
  | 'errorPropagated'
  | 'escalationThrown'
  | 'escalationCaught'
  // compensation and transactions
  | 'compensationThrown'
  | 'compensationHandlerStarted'
  | 'transactionCancelled';

/** The kinds that end an element instance's row. */
export type ActivityEndKind = Extract<HistoryKind, 'activityCompleted' | 'activityTerminated'>;

/** What a history entry is about (readers pick the kinds of one category). */
export type HistoryCategory = 'instance' | 'activity' | 'variable' | 'task' | 'incident' | 'event';

/**
 * The category of every kind: a new kind without one does not compile, and readers that ask for
 * "the task entries" or "the activity entries" get it without listing kinds of their own.
 */
export const HISTORY_CATEGORY: Readonly<Record<HistoryKind, HistoryCategory>> = {
  instanceStarted: 'instance',
  instanceCompleted: 'instance',
  instanceTerminated: 'instance',
  instanceCancelled: 'instance',
  calledInstanceStarted: 'instance',
  instanceSuspended: 'instance',
  instanceActivated: 'instance',
  instanceModified: 'instance',
  activityStarted: 'activity',
  activityCompleted: 'activity',
  activityTerminated: 'activity',
  variableSet: 'variable',
  taskCreated: 'task',
  taskAssigned: 'task',
  taskCompleted: 'task',
  taskDeleted: 'task',
  incidentCreated: 'incident',
  incidentResolved: 'incident',
  gatewayActivated: 'event',
  eventSubProcessTriggered: 'event',
  executionSignalled: 'event',
  adHocActivated: 'event',
  decisionEvaluated: 'event',
  timerFired: 'event',
  messageCorrelated: 'event',
  signalReceived: 'event',
  signalThrown: 'event',
  errorThrown: 'event',
  errorCaught: 'event',
  errorPropagated: 'event',
  escalationThrown: 'event',
  escalationCaught: 'event',
  compensationThrown: 'event',
  compensationHandlerStarted: 'event',
  transactionCancelled: 'event',
};

/** The kinds of one category, in declaration order. */
export function historyKindsOf(category: HistoryCategory): HistoryKind[] {
  return (Object.keys(HISTORY_CATEGORY) as HistoryKind[]).filter((kind) => HISTORY_CATEGORY[kind] === category);
}

/**
 * The kinds queried across instances (task and incident history): each is written as a row of
 * its own in `history_rows`, where the partial index `history_rare_kinds` (the same six kinds,
 * schema.ts) finds them by kind. Every other entry is written with the rest of its step (see
 * RuntimeStore.history).
 */
export const CROSS_INSTANCE_KINDS: ReadonlySet<HistoryKind> = new Set<HistoryKind>([...historyKindsOf('task'), ...historyKindsOf('incident')]);
