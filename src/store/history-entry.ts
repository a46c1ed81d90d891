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
