import type { QueryParams } from './query.js';
import { HttpError } from './errors.js';

/**
 * Camunda's `suspended=true` / `active=true` list filters: only a true value filters (as in
 * Camunda, `false` is ignored). Both at once could match nothing: that is refused as a mistake.
 */
export function suspensionFilter(q: QueryParams): { suspended?: boolean } {
  const suspended = q.bool('suspended') === true;
  const active = q.bool('active') === true;
  if (suspended && active) throw new HttpError(400, "Cannot filter by both 'suspended=true' and 'active=true'");
  if (suspended) return { suspended: true };
  if (active) return { suspended: false };
  return {};
}
