/**
 * Refusal of an authenticated user (HTTP 403), shaped like Camunda 7's AuthorizationException:
 * the message names the user, the permission and the resource it was missing.
 */
export interface MissingAuthorization {
  permissionName: string;
  resourceName: string;
  resourceId: string | null;
}

export class AuthorizationError extends Error {
  readonly type = 'AuthorizationException';

  constructor(
    readonly userId: string,
    message: string,
    readonly missingAuthorizations: MissingAuthorization[] = [],
  ) {
    super(message);
    this.name = 'AuthorizationError';
  }

  /** `The user with id 'bob' does not have 'TASK_WORK' permission on resource 't1' of type 'Task'.` */
  static missing(userId: string, permissionName: string, resourceName: string, resourceId: string | null, why?: string): AuthorizationError {
    const on = resourceId === null ? `of type '${resourceName}'` : `on resource '${resourceId}' of type '${resourceName}'`;
    return new AuthorizationError(
      userId,
      `The user with id '${userId}' does not have '${permissionName}' permission ${on}.${why ? ` ${why}` : ''}`,
      [{ permissionName, resourceName, resourceId }],
    );
  }
}
