/**
 * SQL of the identity service (src/identity): users, groups, memberships and user-bound API
 * tokens, from migration 4 in schema.ts. Password hashes and token digests are computed by the
 * caller; this file only stores and finds them.
 */
import type { SqlDatabase } from './sql-database.js';

export interface UserRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** `scrypt$…` (see src/identity/password.ts); null for a user who signs in another way (MLC_AUTH_USERS) */
  passwordHash: string | null;
  createdAt: number;
}

export interface GroupRecord {
  id: string;
  name: string | null;
  type: string | null;
  createdAt: number;
}

export interface UserQuery {
  id?: string;
  idIn?: string[];
  firstName?: string;
  lastName?: string;
  email?: string;
  memberOfGroup?: string;
  firstResult?: number;
  maxResults?: number;
}

export interface GroupQuery {
  id?: string;
  idIn?: string[];
  name?: string;
  type?: string;
  member?: string;
  firstResult?: number;
  maxResults?: number;
}

type Row = Record<string, unknown>;

const toUser = (r: Row): UserRecord => ({
  id: r.id as string,
  firstName: (r.first_name as string | null) ?? null,
  lastName: (r.last_name as string | null) ?? null,
  email: (r.email as string | null) ?? null,
  passwordHash: (r.password_hash as string | null) ?? null,
  createdAt: r.created_at as number,
});

const toGroup = (r: Row): GroupRecord => ({
  id: r.id as string,
  name: (r.name as string | null) ?? null,
  type: (r.type as string | null) ?? null,
  createdAt: r.created_at as number,
});

function page(sql: string, params: unknown[], q: { firstResult?: number; maxResults?: number }): string {
  if (q.maxResults !== undefined || q.firstResult !== undefined) {
    params.push(q.maxResults ?? Number.MAX_SAFE_INTEGER, q.firstResult ?? 0);
    return `${sql} LIMIT ? OFFSET ?`;
  }
  return sql;
}

export class IdentityStore {
  private readonly s;

  constructor(private readonly db: SqlDatabase) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      user: p(`SELECT * FROM identity_users WHERE id = ?`),
      insertUser: p(`INSERT INTO identity_users (id, first_name, last_name, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
      updateProfile: p(`UPDATE identity_users SET first_name = ?, last_name = ?, email = ? WHERE id = ?`),
      updatePassword: p(`UPDATE identity_users SET password_hash = ? WHERE id = ?`),
      deleteUser: p(`DELETE FROM identity_users WHERE id = ?`),
      deleteUserMemberships: p(`DELETE FROM identity_memberships WHERE user_id = ?`),
      deleteUserTokens: p(`DELETE FROM identity_tokens WHERE user_id = ?`),
      group: p(`SELECT * FROM identity_groups WHERE id = ?`),
      insertGroup: p(`INSERT INTO identity_groups (id, name, type, created_at) VALUES (?, ?, ?, ?)`),
      updateGroup: p(`UPDATE identity_groups SET name = ?, type = ? WHERE id = ?`),
      deleteGroup: p(`DELETE FROM identity_groups WHERE id = ?`),
      deleteGroupMemberships: p(`DELETE FROM identity_memberships WHERE group_id = ?`),
      addMember: p(`INSERT OR IGNORE INTO identity_memberships (group_id, user_id) VALUES (?, ?)`),
      removeMember: p(`DELETE FROM identity_memberships WHERE group_id = ? AND user_id = ?`),
      groupIdsOf: p(`SELECT group_id FROM identity_memberships WHERE user_id = ? ORDER BY group_id`),
      insertToken: p(`INSERT INTO identity_tokens (token_sha256, user_id, created_at) VALUES (?, ?, ?)`),
      tokenUser: p(`SELECT user_id FROM identity_tokens WHERE token_sha256 = ?`),
      userCount: p(`SELECT count(*) AS n FROM identity_users`),
      tokenCount: p(`SELECT count(*) AS n FROM identity_tokens`),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  user(id: string): UserRecord | undefined {
    const row = this.s.user.get(id) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  insertUser(u: UserRecord): void {
    this.s.insertUser.run(u.id, u.firstName, u.lastName, u.email, u.passwordHash, u.createdAt);
  }

  updateProfile(id: string, profile: Pick<UserRecord, 'firstName' | 'lastName' | 'email'>): boolean {
    return this.s.updateProfile.run(profile.firstName, profile.lastName, profile.email, id).changes > 0;
  }

  updatePassword(id: string, passwordHash: string): boolean {
    return this.s.updatePassword.run(passwordHash, id).changes > 0;
  }

  /** Deletes the user with its memberships and tokens; false when there was no such user. */
  deleteUser(id: string): boolean {
    return this.transaction(() => {
      this.s.deleteUserMemberships.run(id);
      this.s.deleteUserTokens.run(id);
      return this.s.deleteUser.run(id).changes > 0;
    });
  }

  users(q: UserQuery = {}): UserRecord[] {
    const { where, params } = userWhere(q);
    const sql = page(`SELECT u.* FROM identity_users u ${where} ORDER BY u.id`, params, q);
    return (this.db.prepare(sql).all(...params) as Row[]).map(toUser);
  }

  countUsers(q: UserQuery = {}): number {
    const { where, params } = userWhere(q);
    return (this.db.prepare(`SELECT count(*) AS n FROM identity_users u ${where}`).get(...params) as { n: number }).n;
  }

  hasUsers(): boolean {
    return (this.s.userCount.get() as { n: number }).n > 0;
  }

  hasTokens(): boolean {
    return (this.s.tokenCount.get() as { n: number }).n > 0;
  }

  group(id: string): GroupRecord | undefined {
    const row = this.s.group.get(id) as Row | undefined;
    return row ? toGroup(row) : undefined;
  }

  insertGroup(g: GroupRecord): void {
    this.s.insertGroup.run(g.id, g.name, g.type, g.createdAt);
  }

  updateGroup(id: string, g: Pick<GroupRecord, 'name' | 'type'>): boolean {
    return this.s.updateGroup.run(g.name, g.type, id).changes > 0;
  }

  deleteGroup(id: string): boolean {
    return this.transaction(() => {
      this.s.deleteGroupMemberships.run(id);
      return this.s.deleteGroup.run(id).changes > 0;
    });
  }

  groups(q: GroupQuery = {}): GroupRecord[] {
    const { where, params } = groupWhere(q);
    const sql = page(`SELECT g.* FROM identity_groups g ${where} ORDER BY g.id`, params, q);
    return (this.db.prepare(sql).all(...params) as Row[]).map(toGroup);
  }

  countGroups(q: GroupQuery = {}): number {
    const { where, params } = groupWhere(q);
    return (this.db.prepare(`SELECT count(*) AS n FROM identity_groups g ${where}`).get(...params) as { n: number }).n;
  }

  addMember(groupId: string, userId: string): void {
    this.s.addMember.run(groupId, userId);
  }

  removeMember(groupId: string, userId: string): boolean {
    return this.s.removeMember.run(groupId, userId).changes > 0;
  }

  /** The ids of the groups a user belongs to. */
  groupIdsOf(userId: string): string[] {
    return (this.s.groupIdsOf.all(userId) as Row[]).map((r) => r.group_id as string);
  }

  insertToken(tokenSha256: string, userId: string, createdAt: number): void {
    this.s.insertToken.run(tokenSha256, userId, createdAt);
  }

  /** The user a token digest belongs to. */
  tokenUser(tokenSha256: string): string | undefined {
    return (this.s.tokenUser.get(tokenSha256) as Row | undefined)?.user_id as string | undefined;
  }
}

function userWhere(q: UserQuery): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (q.id !== undefined) { clauses.push('u.id = ?'); params.push(q.id); }
  if (q.idIn !== undefined) { clauses.push(`u.id IN (${q.idIn.map(() => '?').join(',') || 'NULL'})`); params.push(...q.idIn); }
  if (q.firstName !== undefined) { clauses.push('u.first_name = ?'); params.push(q.firstName); }
  if (q.lastName !== undefined) { clauses.push('u.last_name = ?'); params.push(q.lastName); }
  if (q.email !== undefined) { clauses.push('u.email = ?'); params.push(q.email); }
  if (q.memberOfGroup !== undefined) {
    clauses.push('u.id IN (SELECT user_id FROM identity_memberships WHERE group_id = ?)');
    params.push(q.memberOfGroup);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function groupWhere(q: GroupQuery): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (q.id !== undefined) { clauses.push('g.id = ?'); params.push(q.id); }
  if (q.idIn !== undefined) { clauses.push(`g.id IN (${q.idIn.map(() => '?').join(',') || 'NULL'})`); params.push(...q.idIn); }
  if (q.name !== undefined) { clauses.push('g.name = ?'); params.push(q.name); }
  if (q.type !== undefined) { clauses.push('g.type = ?'); params.push(q.type); }
  if (q.member !== undefined) {
    clauses.push('g.id IN (SELECT group_id FROM identity_memberships WHERE user_id = ?)');
    params.push(q.member);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
