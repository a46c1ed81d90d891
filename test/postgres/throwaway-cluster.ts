/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` into a temporary folder,
 * `pg_ctl start` listening only on a Unix socket in that folder, removed again by `stop()`.
 * PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` (or `nobody`)
 * user; the socket is world-accessible and authentication is `trust`, which is safe because
 * nothing listens on TCP.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export interface ThrowawayCluster {
  /** `postgres://` URL of the cluster's `postgres` database, over the socket */
  url: string;
  /** the URL of another database on the cluster */
  urlOf(database: string): string;
  socketDir: string;
  stop(): void;
}

const SUPERUSER = 'mlc';

/** The folder holding initdb and pg_ctl, or undefined when PostgreSQL's server is not installed. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Starts a cluster; `options` are extra server settings (`-c name=value`). */
export function startThrowawayCluster(options: Record<string, string> = {}): ThrowawayCluster {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install -y postgresql)');
  const dir = mkdtempSync('/tmp/mlc-pg-');
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const runAs = userInfo().uid === 0 ? (existsSync('/var/lib/postgresql') ? 'postgres' : 'nobody') : undefined;
  const run = (command: string, args: string[]) => {
    const [file, argv] = runAs ? ['runuser', ['-u', runAs, '--', command, ...args]] : [command, args];
    const result = spawnSync(file, argv, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  run(join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  const settings: Record<string, string> = {
    listen_addresses: "''",
    unix_socket_directories: `'${dir}'`,
    max_connections: '200',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: '128MB',
    ...options,
  };
  const serverOptions = Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`).join(' ');
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', serverOptions, '-w', 'start']);
  const urlOf = (database: string) => `postgres://${SUPERUSER}@${encodeURIComponent(dir)}/${database}`;
  let stopped = false;
  return {
    url: urlOf('postgres'),
    urlOf,
    socketDir: dir,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Runs one SQL command with psql against the cluster (setup steps outside the engine). */
export function psql(cluster: ThrowawayCluster, sql: string, database = 'postgres'): string {
  const bin = postgresBinaries()!;
  return execFileSync(join(bin, 'psql'), ['-h', cluster.socketDir, '-U', SUPERUSER, '-d', database, '-At', '-c', sql], { encoding: 'utf8' });
}
