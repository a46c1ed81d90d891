/**
 * What the review task after a rejection shows: who rejected (the authenticated user who completed
 * the approval task, from history, not a variable a client could have written), when, and why.
 */
import type { Engine } from '../runtime/engine.js';

export interface Rejection {
  /** the user who completed the approval with approved=false; null when the server ran without sign-in */
  rejectedBy: string | null;
  /** epoch ms */
  rejectedAt: number | null;
  /** the approver's comment, else the process's failureReason */
  reason: string | null;
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);

/** The rejection behind a task of an instance whose approval said no, or null when there was none. */
export function rejectionOf(engine: Engine, instanceId: string, variables: Record<string, unknown>): Rejection | null {
  if (variables.approved !== false) return null;
  const rows = engine.queries.historyOf(instanceId);
  // the latest completed approval task: the approval flow names its task Task_Approve; others say "approv"
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    if (row.kind !== 'taskCompleted') continue;
    const name = row.data ? (JSON.parse(row.data) as { name?: string | null }).name ?? '' : '';
    if (!/approv/i.test(`${row.elementId ?? ''} ${name}`)) continue;
    return { rejectedBy: row.actor, rejectedAt: row.at, reason: text(variables.comment) ?? text(variables.failureReason) };
  }
  return { rejectedBy: null, rejectedAt: null, reason: text(variables.comment) ?? text(variables.failureReason) };
}
