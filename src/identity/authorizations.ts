/**
 * The explicit authorization table: which groups may deploy, start processes, submit model
 * versions and approve them, and the operator actions: suspend/activate definitions and instances,
 * modify running instances (instance modification, incident resolution, job retries) and
 * cancel them.
 * Names follow Camunda 7's authorization service (resource type and permission); `*` grants every
 * authenticated user. Members of the admin group may do everything.
 */
export const ADMIN_GROUP = 'camunda-admin';

export const ACTIONS = ['deploy', 'start', 'submit', 'approve', 'suspend', 'modify', 'cancel'] as const;
export type Action = (typeof ACTIONS)[number];

export type AuthorizationTable = Record<Action, readonly string[]>;

/** Camunda 7's resource type and permission for each action (what a 403 names). */
export function camundaName(action: Action): { resourceName: string; permissionName: string } {
  switch (action) {
    case 'deploy': return { resourceName: 'Deployment', permissionName: 'CREATE' };
    case 'start': return { resourceName: 'ProcessDefinition', permissionName: 'CREATE_INSTANCE' };
    case 'submit': return { resourceName: 'Model', permissionName: 'SUBMIT' };
    case 'approve': return { resourceName: 'Model', permissionName: 'APPROVE' };
    // Camunda 7 also accepts SUSPEND / UPDATE on the single ProcessInstance; our table grants per definition key
    case 'suspend': return { resourceName: 'ProcessDefinition', permissionName: 'SUSPEND' };
    case 'modify': return { resourceName: 'ProcessDefinition', permissionName: 'UPDATE_INSTANCE' };
    case 'cancel': return { resourceName: 'ProcessDefinition', permissionName: 'DELETE_INSTANCE' };
  }
}

/** Every authenticated user may do everything the process itself allows (approval still needs the task's candidate group). */
export const OPEN_TABLE: AuthorizationTable = { deploy: ['*'], start: ['*'], submit: ['*'], approve: ['*'], suspend: ['*'], modify: ['*'], cancel: ['*'] };

/**
 * What a configuration that names no group gets: the lifecycle actions are open, the operator
 * actions (suspend, modify, cancel) are admins' only, as in Camunda 7 where no group has them by default.
 */
export const DEFAULT_TABLE: AuthorizationTable = { ...OPEN_TABLE, suspend: [], modify: [], cancel: [] };

export class AuthorizationTableError extends Error {}

/** A table from configuration (`{"deploy": ["deployers"], ...}`); missing actions keep DEFAULT_TABLE's groups, unknown ones are refused. */
export function parseAuthorizationTable(value: unknown): AuthorizationTable {
  if (value === undefined || value === null) return DEFAULT_TABLE;
  if (typeof value !== 'object' || Array.isArray(value)) throw new AuthorizationTableError('authorizations must be an object of action → group list');
  const table: Record<string, readonly string[]> = { ...DEFAULT_TABLE };
  for (const [action, groups] of Object.entries(value)) {
    if (!(ACTIONS as readonly string[]).includes(action)) throw new AuthorizationTableError(`Unknown authorization action '${action}': use ${ACTIONS.join(', ')}`);
    if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string' && g !== '')) {
      throw new AuthorizationTableError(`authorizations.${action} must be a list of group ids ('*' for every user)`);
    }
    table[action] = [...groups];
  }
  return table as AuthorizationTable;
}

/** True when a user in `groups` may do `action` under `table`. */
export function allows(table: AuthorizationTable, action: Action, groups: readonly string[]): boolean {
  if (groups.includes(ADMIN_GROUP)) return true;
  const granted = table[action];
  return granted.includes('*') || granted.some((g) => groups.includes(g));
}
