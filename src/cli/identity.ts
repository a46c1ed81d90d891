/**
 * `mlc user …` and `mlc group …`: users, groups and memberships, straight into the database
 * (--db, the server stopped: it holds the file) or through a running server's identity REST API
 * (--url, as an admin: MLC_USER="name:password" or MLC_TOKEN).
 *
 *   mlc user add <id> [--password-stdin | --password pw] [--first-name F] [--last-name L] [--email E]
 *   mlc user list | mlc user delete <id> | mlc user token <id>   (token: --db only; printed once)
 *   mlc group add <id> [--name N] [--type T] | mlc group list | mlc group delete <id>
 *   mlc group member <group> <user> [--remove]
 */
import { readFileSync } from 'node:fs';
import { openStore } from '../store/open-store.js';
import { IdentityService } from '../identity/identity-service.js';

export class IdentityCliError extends Error {}

export interface IdentityCliOptions {
  positional: string[];
  flag(name: string): string | undefined;
  /** lines go here (default console.log) */
  print?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** the password when --password-stdin is given (default: the first line of stdin) */
  readStdin?: () => string;
}

/** The identity REST calls a subcommand makes; one implementation per target (database or server). */
interface Target {
  createUser(profile: { id: string; firstName: string | null; lastName: string | null; email: string | null }, password: string | null): Promise<void>;
  users(): Promise<Array<{ id: string; firstName: string | null; lastName: string | null; email: string | null }>>;
  deleteUser(id: string): Promise<void>;
  createGroup(group: { id: string; name: string | null; type: string | null }): Promise<void>;
  groups(): Promise<Array<{ id: string; name: string | null; type: string | null }>>;
  deleteGroup(id: string): Promise<void>;
  member(groupId: string, userId: string, remove: boolean): Promise<void>;
  token(userId: string): Promise<string>;
  close(): void;
}

function databaseTarget(path: string): Target {
  let db;
  try {
    db = openStore({ database: path });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new IdentityCliError(/in use/.test(message) ? `${message}: while the server runs, use --url` : message);
  }
  const identity = new IdentityService(db);
  return {
    createUser: async (profile, password) => void (await identity.createUser(profile, password)),
    users: async () => identity.users(),
    deleteUser: async (id) => identity.deleteUser(id),
    createGroup: async (group) => void identity.createGroup(group),
    groups: async () => identity.groups(),
    deleteGroup: async (id) => identity.deleteGroup(id),
    member: async (groupId, userId, remove) => (remove ? identity.removeMember(groupId, userId) : identity.addMember(groupId, userId)),
    token: async (userId) => identity.createToken(userId),
    close: () => db.close(),
  };
}

function serverTarget(url: string, env: NodeJS.ProcessEnv): Target {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const headers = new Headers({ accept: 'application/json' });
    if (env.MLC_TOKEN) headers.set('authorization', `Bearer ${env.MLC_TOKEN}`);
    else if (env.MLC_USER) headers.set('authorization', `Basic ${Buffer.from(env.MLC_USER).toString('base64')}`);
    if (body !== undefined) headers.set('content-type', 'application/json');
    const response = await fetch(`${url.replace(/\/$/, '')}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) as { message?: string } : null;
    if (!response.ok) throw new IdentityCliError(`${response.status}: ${parsed?.message ?? response.statusText}`);
    return parsed;
  };
  const seg = encodeURIComponent;
  return {
    createUser: async (profile, password) => void (await call('POST', '/user/create', { profile, ...(password === null ? {} : { credentials: { password } }) })),
    users: async () => (await call('GET', '/user')) as Awaited<ReturnType<Target['users']>>,
    deleteUser: async (id) => void (await call('DELETE', `/user/${seg(id)}`)),
    createGroup: async (group) => void (await call('POST', '/group/create', group)),
    groups: async () => (await call('GET', '/group')) as Awaited<ReturnType<Target['groups']>>,
    deleteGroup: async (id) => void (await call('DELETE', `/group/${seg(id)}`)),
    member: async (groupId, userId, remove) => void (await call(remove ? 'DELETE' : 'PUT', `/group/${seg(groupId)}/members/${seg(userId)}`)),
    token: async () => {
      throw new IdentityCliError('tokens are made with --db (the server stopped): only the database keeps their digests');
    },
    close: () => undefined,
  };
}

/** Runs `mlc user …` or `mlc group …`; returns the exit code. */
export async function identityCommand(command: 'user' | 'group', options: IdentityCliOptions): Promise<number> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const [sub, ...args] = options.positional;
  const need = (i: number, what: string) => {
    const value = args[i];
    if (!value) throw new IdentityCliError(`mlc ${command} ${sub ?? ''} needs ${what}`);
    return value;
  };
  const url = options.flag('url') ?? env.MLC_URL;
  const target = url ? serverTarget(url, env) : databaseTarget(options.flag('db') ?? env.MLC_DB ?? './data/mlc.sqlite');
  try {
    const key = `${command} ${sub ?? ''}`;
    switch (key) {
      case 'user add': {
        const id = need(0, 'a user id');
        let password = options.flag('password') ?? null;
        if (options.flag('password-stdin') === 'true') password = (options.readStdin ?? (() => readFileSync(0, 'utf8')))().split(/\r?\n/)[0] ?? '';
        await target.createUser({ id, firstName: options.flag('first-name') ?? null, lastName: options.flag('last-name') ?? null, email: options.flag('email') ?? null }, password);
        print(`user ${id} created${password === null ? ' (no password: signs in with MLC_AUTH_USERS or a token)' : ''}`);
        return 0;
      }
      case 'user list':
        for (const u of await target.users()) print([u.id, [u.firstName, u.lastName].filter(Boolean).join(' '), u.email ?? ''].join('\t').trimEnd());
        return 0;
      case 'user delete':
        await target.deleteUser(need(0, 'a user id'));
        print(`user ${args[0]} deleted`);
        return 0;
      case 'user token':
        print(await target.token(need(0, 'a user id')));
        return 0;
      case 'group add': {
        const id = need(0, 'a group id');
        await target.createGroup({ id, name: options.flag('name') ?? null, type: options.flag('type') ?? null });
        print(`group ${id} created`);
        return 0;
      }
      case 'group list':
        for (const g of await target.groups()) print([g.id, g.name ?? '', g.type ?? ''].join('\t').trimEnd());
        return 0;
      case 'group delete':
        await target.deleteGroup(need(0, 'a group id'));
        print(`group ${args[0]} deleted`);
        return 0;
      case 'group member': {
        const groupId = need(0, 'a group id and a user id');
        const userId = need(1, 'a group id and a user id');
        const remove = options.flag('remove') === 'true';
        await target.member(groupId, userId, remove);
        print(remove ? `${userId} removed from ${groupId}` : `${userId} added to ${groupId}`);
        return 0;
      }
      default:
        throw new IdentityCliError(`Unknown command 'mlc ${key.trim()}': use mlc user add|list|delete|token, mlc group add|list|delete|member`);
    }
  } finally {
    target.close();
  }
}
