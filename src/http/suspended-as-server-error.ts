import { HttpError } from './errors.js';

/**
 * Camunda's task completion and process start catch every ProcessEngineException and answer
 * 500 RestException with their context prefix — a suspended task or definition included, although
 * elsewhere a SuspendedEntityInteractionException is a 400. `fn` already added the prefix.
 */
export async function suspendedAsServerError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HttpError && error.type === 'SuspendedEntityInteractionException') throw new HttpError(500, error.message, 'RestException');
    throw error;
  }
}
