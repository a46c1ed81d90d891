/**
 * Errors a caller of the engine can act on. Each carries the Camunda-style `type` the REST layer
 * puts in its error body, so an HTTP status follows from the class.
 */
export class EngineError extends Error {
  readonly type: string = 'ProcessEngineException';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Something named by id does not exist (404). */
export class NotFoundError extends EngineError {
  override readonly type = 'InvalidRequestException';
}

/** The request cannot be carried out as asked: bad arguments, wrong state (400). */
export class BadRequestError extends EngineError {
  override readonly type: string = 'InvalidRequestException';
}

/** Optimistic conflicts: a job completed by a worker that no longer holds its lock (409-ish, Camunda uses 400/500). */
export class ConflictError extends EngineError {
  override readonly type = 'RestException';
}

/**
 * Camunda 7's OptimisticLockingException: another engine node on the same PostgreSQL database kept
 * changing what this command needed, through every re-run (REST: 500, as Camunda answers it).
 */
export class OptimisticLockingError extends EngineError {
  override readonly type = 'OptimisticLockingException';
}

/**
 * Camunda's SuspendedEntityInteractionException (a BadUserRequestException): the instance,
 * task, job or definition is suspended. Its message is Camunda's ENGINE-03043 text.
 */
export class SuspendedEntityError extends BadRequestError {
  override readonly type = 'SuspendedEntityInteractionException';
  constructor(entity: string, id: string) {
    super(`ENGINE-03043 ${entity} with id '${id}' is suspended.`);
  }
}

/** A message matched no waiting execution or start event, or several without `all` (Camunda: 400). */
export class MismatchingMessageCorrelationError extends EngineError {
  override readonly type = 'MismatchingMessageCorrelationException';
}

/**
 * A business error raised by a handler or a worker: it is caught by the nearest matching error
 * boundary event or error event sub-process, or becomes an incident.
 */
export class BpmnError extends Error {
  constructor(
    readonly code: string,
    message?: string,
    readonly variables?: Record<string, unknown>,
  ) {
    super(message ?? code);
    this.name = 'BpmnError';
  }
}

/**
 * A handler failure that trying again cannot fix (a model that runs away and is killed): the
 * job skips its remaining retries and becomes an incident at once, so a person looks at it
 * instead of the engine redelivering it.
 */
export class NonRetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A problem inside a running process that stops one token and needs a person: an expression
 * that cannot be evaluated, no outgoing flow to take, a call to an unknown process. The step
 * records it as an incident on the element instance instead of failing the whole command.
 */
export class IncidentError extends Error {
  constructor(message: string, readonly incidentType = 'failedExecution') {
    super(message);
    this.name = 'IncidentError';
  }
}
