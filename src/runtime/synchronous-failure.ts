/**
 * Camunda 7's transaction semantics for the part of a command that runs now: where Zeebe (and this
 * engine by default) leaves an incident on the element, Camunda 7 throws a ProcessEngineException
 * and rolls the whole transaction back — the start creates no instance, the task stays open. A
 * command submitted with `rollbackOnFailure` (the /engine-rest start, complete and message routes)
 * turns the failure into this error, with the message Camunda 7 gives for it.
 */
import { ExpressionError } from '../expressions/index.js';
import { EngineError } from './errors.js';
import { NoOutgoingFlowError } from './outgoing-flows.js';

export class SynchronousFailure extends EngineError {
  override readonly type = 'ProcessEngineException';
  constructor(message: string, readonly elementId: string | undefined) {
    super(message);
  }
}

const GATEWAYS: ReadonlySet<string> = new Set(['exclusiveGateway', 'inclusiveGateway', 'complexGateway']);

/** A condition (sequence flow, gateway activation, completion) that could not be evaluated. */
export class ConditionError extends ExpressionError {
  constructor(cause: ExpressionError) {
    super(cause.message, cause.expression, cause.elementId, cause.variable);
  }
}

/**
 * The failures that roll a Camunda 7 command back here: no outgoing flow to take, a JUEL
 * condition naming an unknown variable. Others stay incidents as before: the
 * engine's own budgets (multi-instance size, timer cycles, FEEL work) are its guards, not Camunda
 * behaviour, and other expressions (an assignee, a name) keep the incident a person can resolve.
 */
export function failsLikeCamunda7(error: Error): boolean {
  if (error instanceof NoOutgoingFlowError) return true;
  // an unknown variable only: a refused or ill-typed expression keeps its incident (and never answers 5xx)
  return error instanceof ConditionError && error.variable !== undefined && !error.expression.startsWith('=');
}

/** The failure as Camunda 7 words it (BpmnBehaviorLogger, JuelExpression); our own message where Camunda has none. */
export function synchronousFailure(error: Error, elementId: string | undefined): SynchronousFailure {
  if (error instanceof NoOutgoingFlowError) {
    const message = GATEWAYS.has(error.elementKind)
      ? `ENGINE-02004 No outgoing sequence flow for the element with id '${error.elementId}' could be selected for continuing the process.`
      : `ENGINE-02006 No conditional sequence flow leaving the Flow Node '${error.elementId}' could be selected for continuing the process.`;
    return new SynchronousFailure(message, error.elementId);
  }
  if (error instanceof ExpressionError && error.variable !== undefined && error.expression.startsWith('${')) {
    return new SynchronousFailure(`Unknown property used in expression: ${error.expression}. Cause: Cannot resolve identifier '${error.variable}'`, elementId);
  }
  return new SynchronousFailure(error.message, elementId);
}
