/**
 * Users, groups and who may do what, over the engine database: create and change users (scrypt
 * password hashes), groups and memberships; check Basic credentials and bearer tokens; answer
 * "may this user do that" from the authorization table and group membership.
 * One service per database (`identityOf`), shared by the REST router, the cockpit and /mlc.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SqlDatabase } from '../store/sql-database.js';
import { BadRequestError, NotFoundError } from '../runtime/errors.js';
import { IdentityStore, type GroupQuery, type GroupRecord, type UserQuery, type UserRecord } from '../store/identity-store.js';
import { hashPassword, verifyPassword } from './password.js';
import { ADMIN_GROUP, allows, camundaName, OPEN_TABLE, type Action, type AuthorizationTable } from './authorizations.js';
import { AuthorizationError } from './authorization-error.js';
import type { TaskRecord } from '../store/records.js';

export interface UserProfile {
  id: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
}

export interface GroupInput {
  id: string;
  name?: string | null;
  type?: string | null;
}

/** A server-side rule run before a task is completed over HTTP (four-eyes, read-only evidence); throws to refuse. */
export type TaskGuard = (input: { task: TaskRecord; userId: string | null; variables: Record<string, unknown>; authorizationEnabled: boolean }) => void;

/** A server-side rule run before variables of a running instance are changed over HTTP; throws to refuse. */
export type VariableWriteGuard = (input: { instanceId: string; names: string[]; userId: string | null }) => void;

export interface AuthorizationSettings {
  /** enforce task authorization, the authorization table and four-eyes (Camunda 7: authorization enabled) */
  enabled: boolean;
  table: AuthorizationTable;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const CHECKED_CACHE_LIMIT = 10_000;

export function checkIdentityId(id: unknown, what: 'user' | 'group'): string {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new BadRequestError(`Invalid ${what} id '${String(id).slice(0, 80)}': use 1-128 letters, digits, '_', '.', '@' or '-', starting with a letter or digit`);
  }
  return id;
}

const optionalText = (value: unknown, name: string): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > 255) throw new BadRequestError(`${name} must be a string of at most 255 characters`);
  return value;
};

function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < 8 || password.length > 1024) {
    throw new BadRequestError('The password must be a string of 8 to 1024 characters');
  }
  return password;
}

export class IdentityService {
  readonly store: IdentityStore;
  authorization: AuthorizationSettings = { enabled: false, table: OPEN_TABLE };
  private readonly guards: TaskGuard[] = [];
  private readonly variableGuards: VariableWriteGuard[] = [];
  /** sha256(user:password) → the stored hash it was checked against and the answer */
  private readonly checked = new Map<string, { hash: string | null; ok: boolean }>();

  constructor(db: SqlDatabase, private readonly now: () => number = Date.now) {
    this.store = new IdentityStore(db);
  }

  /** Users known from MLC_AUTH_USERS or an auth file get a stored profile (no password) so they can be group members. */
  seedUsers(ids: readonly string[]): void {
    for (const id of ids) {
      if (!ID.test(id) || this.store.user(id)) continue;
      this.store.insertUser({ id, firstName: null, lastName: null, email: null, passwordHash: null, createdAt: this.now() });
    }
  }

  // ------------------------------------------------------------ users

  async createUser(profile: UserProfile, password: string | null): Promise<UserRecord> {
    const id = checkIdentityId(profile.id, 'user');
    const hash = password === null ? null : await hashPassword(checkPassword(password));
    const user: UserRecord = {
      id,
      firstName: optionalText(profile.firstName, 'firstName'),
      lastName: optionalText(profile.lastName, 'lastName'),
      email: optionalText(profile.email, 'email'),
      passwordHash: hash,
      createdAt: this.now(),
    };
    if (this.store.user(id)) throw new BadRequestError(`The user with id '${id}' already exists`);
    this.store.insertUser(user);
    return user;
  }

  user(id: string): UserRecord {
    const user = this.store.user(id);
    if (!user) throw new NotFoundError(`User with id ${id} does not exist`);
    return user;
  }

  users(q: UserQuery = {}): UserRecord[] {
    return this.store.users(q);
  }

  countUsers(q: UserQuery = {}): number {
    return this.store.countUsers(q);
  }

  updateProfile(id: string, profile: Omit<UserProfile, 'id'>): void {
    this.user(id);
    this.store.updateProfile(id, {
      firstName: optionalText(profile.firstName, 'firstName'),
      lastName: optionalText(profile.lastName, 'lastName'),
      email: optionalText(profile.email, 'email'),
    });
  }

  async setPassword(id: string, password: string): Promise<void> {
    this.user(id);
    this.store.updatePassword(id, await hashPassword(checkPassword(password)));
  }

  deleteUser(id: string): void {
    if (!this.store.deleteUser(id)) throw new NotFoundError(`User with id ${id} does not exist`);
  }

  /** A new random bearer token for the user; only its digest is stored, so it is shown once. */
  createToken(userId: string): string {
    this.user(userId);
    const token = randomBytes(32).toString('base64url');
    this.store.insertToken(sha256(token), userId, this.now());
    return token;
  }

  // ------------------------------------------------------------ groups

  createGroup(input: GroupInput): GroupRecord {
    const id = checkIdentityId(input.id, 'group');
    if (this.store.group(id)) throw new BadRequestError(`The group with id '${id}' already exists`);
    const group: GroupRecord = { id, name: optionalText(input.name, 'name'), type: optionalText(input.type, 'type'), createdAt: this.now() };
    this.store.insertGroup(group);
    return group;
  }

  group(id: string): GroupRecord {
    const group = this.store.group(id);
    if (!group) throw new NotFoundError(`Group with id ${id} does not exist`);
    return group;
  }

  groups(q: GroupQuery = {}): GroupRecord[] {
    return this.store.groups(q);
  }

  countGroups(q: GroupQuery = {}): number {
    return this.store.countGroups(q);
  }

  updateGroup(id: string, input: Omit<GroupInput, 'id'>): void {
    this.group(id);
    this.store.updateGroup(id, { name: optionalText(input.name, 'name'), type: optionalText(input.type, 'type') });
  }

  deleteGroup(id: string): void {
    if (!this.store.deleteGroup(id)) throw new NotFoundError(`Group with id ${id} does not exist`);
  }

  addMember(groupId: string, userId: string): void {
    this.group(groupId);
    this.user(userId);
    this.store.addMember(groupId, userId);
  }

  removeMember(groupId: string, userId: string): void {
    this.group(groupId);
    this.user(userId);
    this.store.removeMember(groupId, userId);
  }

  groupIdsOf(userId: string): string[] {
    return this.store.groupIdsOf(userId);
  }

  isAdmin(userId: string): boolean {
    return this.groupIdsOf(userId).includes(ADMIN_GROUP);
  }

  // ------------------------------------------------------------ authentication

  /**
   * The user id when `password` is the stored user's; null otherwise. Unknown users cost a hash
   * too (no timing hint that the name exists). Answers are remembered per (user, password) digest
   * together with the hash they were checked against, so a repeated credential, right or wrong,
   * does not pay scrypt again until the stored password changes.
   */
  async authenticate(userId: string, password: string): Promise<string | null> {
    const hash = this.store.user(userId)?.passwordHash ?? null;
    const key = sha256(`${userId}:${password}`);
    const known = this.checked.get(key);
    if (known && known.hash === hash) return known.ok ? userId : null;
    const ok = (await verifyPassword(password, hash ?? DUMMY_HASH)) && hash !== null;
    if (this.checked.size >= CHECKED_CACHE_LIMIT) this.checked.clear();
    this.checked.set(key, { hash, ok });
    return ok ? userId : null;
  }

  /** The user a stored bearer token belongs to. */
  authenticateToken(token: string): string | null {
    return this.store.tokenUser(sha256(token)) ?? null;
  }

  hasCredentials(): boolean {
    return this.store.users().some((u) => u.passwordHash !== null) || this.store.hasTokens();
  }

  // ------------------------------------------------------------ authorization

  /**
   * Refuses (403) a user who may not do `action` under the table; a no-op while authorization is off or without a user.
   * `permissionName` names Camunda's finer permission the action stands for here (SUSPEND_INSTANCE for an instance).
   */
  require(userId: string | null, action: Action, resourceId: string | null = null, permissionName?: string): void {
    if (!this.authorization.enabled || userId === null) return;
    if (allows(this.authorization.table, action, this.groupIdsOf(userId))) return;
    const camunda = camundaName(action);
    throw AuthorizationError.missing(userId, permissionName ?? camunda.permissionName, camunda.resourceName, resourceId);
  }

  addTaskGuard(guard: TaskGuard): void {
    this.guards.push(guard);
  }

  runTaskGuards(task: TaskRecord, userId: string | null, variables: Record<string, unknown>): void {
    for (const guard of this.guards) guard({ task, userId, variables, authorizationEnabled: this.authorization.enabled });
  }

  addVariableGuard(guard: VariableWriteGuard): void {
    this.variableGuards.push(guard);
  }

  runVariableGuards(instanceId: string, names: string[], userId: string | null): void {
    for (const guard of this.variableGuards) guard({ instanceId, names, userId });
  }
}

/** A well-formed hash nobody's password matches, verified for unknown users so their answer takes as long. */
const DUMMY_HASH = `scrypt$16384$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

const services = new WeakMap<SqlDatabase, IdentityService>();

/** The identity service of an engine database (created on first use). */
export function identityOf(engine: { db: SqlDatabase; clock: { now(): number } }): IdentityService {
  let service = services.get(engine.db);
  if (!service) services.set(engine.db, (service = new IdentityService(engine.db, () => engine.clock.now())));
  return service;
}
