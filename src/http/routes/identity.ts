/**
 * Camunda 7's identity REST subset over the users and groups stored in the engine database:
 * /user (list, count, create, profile, credentials, delete), /group (list, count, create, one,
 * update, delete), /group/{id}/members/{userId} and /identity/groups?userId=.
 * With authorization enabled, changing users, groups and memberships needs the admin group
 * (camunda-admin); a user may change their own profile and password.
 */
import type { Request, Response } from 'express';
import { identityOf, type IdentityService } from '../../identity/identity-service.js';
import { AuthorizationError } from '../../identity/authorization-error.js';
import type { GroupRecord, UserRecord } from '../../store/identity-store.js';
import { HttpError } from '../errors.js';
import { noContent, ok } from '../respond.js';
import { QueryParams } from '../query.js';
import { checkBody } from '../validate.js';
import { GroupDto, UserCredentialsDto, UserDto, UserProfileDto } from '../schemas/identity.js';
import { actor, param, type Route, type RouteContext } from './route.js';

const profileDto = (u: UserRecord) => ({ id: u.id, firstName: u.firstName, lastName: u.lastName, email: u.email });
const groupDto = (g: GroupRecord) => ({ id: g.id, name: g.name, type: g.type });

/** Refuses a non-admin when authorization is on; `self` lets a user act on their own user. */
function requireAdmin(identity: IdentityService, res: Response, permission: string, resource: 'User' | 'Group' | 'Group membership', id: string | null, self?: string) {
  const userId = actor(res);
  if (!identity.authorization.enabled || userId === null || userId === self || identity.isAdmin(userId)) return;
  throw AuthorizationError.missing(userId, permission, resource, id);
}

export function identityRoutes(ctx: RouteContext): Route[] {
  const identity = identityOf(ctx.engine);
  const userQuery = (req: Request) => {
    const q = new QueryParams(req);
    return {
      id: q.string('id'), idIn: q.list('idIn'), firstName: q.string('firstName'), lastName: q.string('lastName'), email: q.string('email'),
      memberOfGroup: q.string('memberOfGroup'), firstResult: q.int('firstResult'), maxResults: q.int('maxResults'),
    };
  };
  const groupQuery = (req: Request) => {
    const q = new QueryParams(req);
    return {
      id: q.string('id'), idIn: q.list('idIn'), name: q.string('name'), type: q.string('type'), member: q.string('member'),
      firstResult: q.int('firstResult'), maxResults: q.int('maxResults'),
    };
  };
  const userFilters = ['id', 'idIn', 'firstName', 'lastName', 'email', 'memberOfGroup', 'firstResult', 'maxResults'];
  const groupFilters = ['id', 'idIn', 'name', 'type', 'member', 'firstResult', 'maxResults'];
  return [
    { method: 'get', path: '/user', tag: 'User', summary: 'Users (profiles)', query: userFilters, handler: (req, res) => ok(res, identity.users(userQuery(req)).map(profileDto)) },
    { method: 'get', path: '/user/count', tag: 'User', summary: 'Number of users', query: userFilters, handler: (req, res) => ok(res, { count: identity.countUsers(userQuery(req)) }) },
    {
      method: 'post', path: '/user/create', tag: 'User', body: UserDto, status: 204, summary: 'Creates a user with a profile and a password (scrypt-hashed)',
      handler: async (req, res) => {
        const body = checkBody<{ profile: { id: string; firstName?: string | null; lastName?: string | null; email?: string | null }; credentials?: { password?: string } | null }>(UserDto, req.body);
        requireAdmin(identity, res, 'CREATE', 'User', null);
        await identity.createUser(body.profile, body.credentials?.password ?? null);
        noContent(res);
      },
    },
    { method: 'get', path: '/user/:id/profile', tag: 'User', summary: "A user's profile", handler: (req, res) => ok(res, profileDto(identity.user(param(req, 'id')))) },
    {
      method: 'put', path: '/user/:id/profile', tag: 'User', body: UserProfileDto, status: 204, summary: "Changes a user's profile (the id stays)",
      handler: (req, res) => {
        const id = param(req, 'id');
        const body = checkBody<{ id?: string; firstName?: string | null; lastName?: string | null; email?: string | null }>(UserProfileDto, req.body);
        if (body.id !== undefined && body.id !== id) throw new HttpError(400, `The profile names user '${body.id}' but the path '${id}'; a user id cannot change`);
        requireAdmin(identity, res, 'UPDATE', 'User', id, id);
        identity.updateProfile(id, body);
        noContent(res);
      },
    },
    {
      method: 'put', path: '/user/:id/credentials', tag: 'User', body: UserCredentialsDto, status: 204,
      summary: "Changes a user's password; authenticatedUserPassword is the caller's own current password",
      handler: async (req, res) => {
        const id = param(req, 'id');
        const body = checkBody<{ password: string; authenticatedUserPassword?: string | null }>(UserCredentialsDto, req.body);
        requireAdmin(identity, res, 'UPDATE', 'User', id, id);
        const caller = actor(res);
        // as in Camunda: a signed-in caller proves it is still them before a password changes
        if (caller !== null && identity.store.user(caller)?.passwordHash) {
          if (typeof body.authenticatedUserPassword !== 'string' || (await identity.authenticate(caller, body.authenticatedUserPassword)) === null) {
            throw new HttpError(400, 'The given authenticated user password is not valid.');
          }
        }
        await identity.setPassword(id, body.password);
        noContent(res);
      },
    },
    {
      method: 'delete', path: '/user/:id', tag: 'User', status: 204, summary: 'Deletes a user with their memberships and tokens',
      handler: (req, res) => {
        const id = param(req, 'id');
        requireAdmin(identity, res, 'DELETE', 'User', id);
        identity.deleteUser(id);
        noContent(res);
      },
    },
    { method: 'get', path: '/group', tag: 'Group', summary: 'Groups', query: groupFilters, handler: (req, res) => ok(res, identity.groups(groupQuery(req)).map(groupDto)) },
    { method: 'get', path: '/group/count', tag: 'Group', summary: 'Number of groups', query: groupFilters, handler: (req, res) => ok(res, { count: identity.countGroups(groupQuery(req)) }) },
    {
      method: 'post', path: '/group/create', tag: 'Group', body: GroupDto, status: 204, summary: 'Creates a group',
      handler: (req, res) => {
        const body = checkBody<{ id?: string; name?: string | null; type?: string | null }>(GroupDto, req.body);
        requireAdmin(identity, res, 'CREATE', 'Group', null);
        identity.createGroup({ id: body.id ?? '', name: body.name, type: body.type });
        noContent(res);
      },
    },
    { method: 'get', path: '/group/:id', tag: 'Group', summary: 'One group', handler: (req, res) => ok(res, groupDto(identity.group(param(req, 'id')))) },
    {
      method: 'put', path: '/group/:id', tag: 'Group', body: GroupDto, status: 204, summary: "Changes a group's name and type",
      handler: (req, res) => {
        const id = param(req, 'id');
        const body = checkBody<{ id?: string; name?: string | null; type?: string | null }>(GroupDto, req.body);
        if (body.id !== undefined && body.id !== id) throw new HttpError(400, `The body names group '${body.id}' but the path '${id}'; a group id cannot change`);
        requireAdmin(identity, res, 'UPDATE', 'Group', id);
        identity.updateGroup(id, body);
        noContent(res);
      },
    },
    {
      method: 'delete', path: '/group/:id', tag: 'Group', status: 204, summary: 'Deletes a group and its memberships',
      handler: (req, res) => {
        const id = param(req, 'id');
        requireAdmin(identity, res, 'DELETE', 'Group', id);
        identity.deleteGroup(id);
        noContent(res);
      },
    },
    {
      method: 'put', path: '/group/:id/members/:userId', tag: 'Group', status: 204, summary: 'Adds a user to a group',
      handler: (req, res) => {
        const id = param(req, 'id');
        requireAdmin(identity, res, 'CREATE', 'Group membership', id);
        identity.addMember(id, param(req, 'userId'));
        noContent(res);
      },
    },
    {
      method: 'delete', path: '/group/:id/members/:userId', tag: 'Group', status: 204, summary: 'Removes a user from a group',
      handler: (req, res) => {
        const id = param(req, 'id');
        requireAdmin(identity, res, 'DELETE', 'Group membership', id);
        identity.removeMember(id, param(req, 'userId'));
        noContent(res);
      },
    },
    {
      method: 'get', path: '/identity/groups', tag: 'Identity', query: ['userId'], summary: "A user's groups and the other members of those groups",
      handler: (req, res) => {
        const userId = new QueryParams(req).string('userId');
        if (!userId) throw new HttpError(400, 'No user id was supplied');
        const groups = identity.groups({ member: userId });
        const members = new Map<string, UserRecord>();
        for (const g of groups) for (const u of identity.users({ memberOfGroup: g.id })) if (u.id !== userId) members.set(u.id, u);
        ok(res, {
          groups: groups.map((g) => ({ id: g.id, name: g.name })),
          groupUsers: [...members.values()].map((u) => ({
            id: u.id, firstName: u.firstName, lastName: u.lastName,
            displayName: [u.firstName, u.lastName].filter(Boolean).join(' ') || u.id,
          })),
        });
      },
    },
  ];
}
