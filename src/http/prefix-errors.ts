import { HttpError, toErrorResponse } from './errors.js';

/**
 * Runs `fn`; a known failure keeps its status and type but its message gets Camunda's context
 * prefix, e.g. "Cannot instantiate process definition X: …". Unexpected errors pass unchanged.
 */
export async function withContext<T>(prefix: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const { status, body, unexpected } = toErrorResponse(error);
    if (unexpected || status === 413) throw error;
    throw new HttpError(status, `${prefix}: ${body.message}`, body.type);
  }
}
