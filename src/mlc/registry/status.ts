/**
 * The status of a model version and its legal moves:
 *
 *   registered → tested → approved → deployed → retired
 *        ↘          ↘         ↘
 *                 rejected           (and any non-final status may be retired)
 */
export const VERSION_STATUSES = ['registered', 'tested', 'approved', 'deployed', 'retired', 'rejected'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

const MOVES: Readonly<Record<VersionStatus, readonly VersionStatus[]>> = {
  registered: ['tested', 'rejected', 'retired'],
  tested: ['approved', 'rejected', 'retired'],
  approved: ['deployed', 'rejected', 'retired'],
  deployed: ['retired'],
  retired: [],
  rejected: [],
};

export function isVersionStatus(value: unknown): value is VersionStatus {
  return typeof value === 'string' && (VERSION_STATUSES as readonly string[]).includes(value);
}

export function canMove(from: VersionStatus, to: VersionStatus): boolean {
  return MOVES[from].includes(to);
}

export function legalMoves(from: VersionStatus): readonly VersionStatus[] {
  return MOVES[from];
}
