import { SynchronousFailure } from '../runtime/synchronous-failure.js';
import { HttpError } from './errors.js';

/**
 * Camunda 7's resources answer a ProcessEngineException from the part of a start or a task
 * completion that runs at once with 500 and a RestException whose message names what was asked:
 * "Cannot instantiate process definition <id>: ENGINE-02004 …" (ProcessDefinitionResourceImpl,
 * TaskResourceImpl). Everything of the command was rolled back (see runtime/synchronous-failure.ts).
 */
export async function asRestException<T>(context: () => string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SynchronousFailure) throw new HttpError(500, `${context()}: ${error.message}`, 'RestException');
    throw error;
  }
}

/** POST /message does not catch it: the engine's own exception type and message, 500. */
export function asProcessEngineException(error: unknown): unknown {
  return error instanceof SynchronousFailure ? new HttpError(500, error.message, error.type) : error;
}
