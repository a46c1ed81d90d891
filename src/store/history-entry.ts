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
  | 'decisionEvaluated'
  | 'timerFired'
  | 'messageCorrelated'
  | 'signalReceived'
  | 'signalThrown'
  | 'errorThrown'
  | 'errorCaught'
  | 'errorPropagated'
  | 'escalationThrown'
  | 'escalationCaught';

/** The kinds that end an element instance's row. */
export type ActivityEndKind = Extract<HistoryKind, 'activityCompleted' | 'activityTerminated'>;

/**
 * The kinds queried across instances (task and incident history): each is written as a row of
 * its own in `history_rows`, where the partial index `history_rare_kinds` (the same list) finds
 * them by kind. Every other entry is written with the rest of its step (see RuntimeStore.history).
 */
export const CROSS_INSTANCE_KINDS: ReadonlySet<HistoryKind> = new Set<HistoryKind>([
  'taskCreated',
  'taskCompleted',
  'taskDeleted',
  'taskAssigned',
  'incidentCreated',
  'incidentResolved',
]);
