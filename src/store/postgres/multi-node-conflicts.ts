/**
 * Conflicts between engine nodes sharing one PostgreSQL database. A command that lost a race
 * (another node moved an instance it read, took a row it wanted, deadlocked with it) changed
 * nothing that survives: the command loop runs it again in a later batch, against fresh rows.
 */

/** Another node changed an instance this command read or changed (Camunda 7's OptimisticLockingException). */
export class ConcurrentModificationError extends Error {
  constructor(readonly instanceId: string) {
    super(`Process instance '${instanceId}' was changed by another engine node meanwhile`);
    this.name = 'ConcurrentModificationError';
  }
}

/**
 * PostgreSQL's answers that mean "a concurrent transaction won": serialization failure, deadlock
 * detected, and a unique key taken by a concurrent insert (two nodes deploying version 1, two
 * publishing one messageId): re-run, the command then sees the winner's row.
 */
const CONFLICT_CODES = new Set(['40001', '40P01', '23505']);

export function isConflict(error: unknown): boolean {
  if (error instanceof ConcurrentModificationError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONFLICT_CODES.has(code);
}
