/**
 * The PostgreSQL schema describes the tables and columns SQLite ends up with (after every
 * migration, plus the tables stores create for themselves), and migrating is idempotent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/database.js';
import { openStore } from '../../src/store/open-store.js';
import { migratePostgres, postgresMigrations } from '../../src/store/postgres/schema.js';
import { BufferedMessageStore } from '../../src/store/buffered-message-store.js';
import { Camunda8KeyStore } from '../../src/store/camunda8-key-store.js';
import type { SqlDatabase } from '../../src/store/sql-database.js';
import { postgresBinaries, startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster.js';

/** columns PostgreSQL adds: SQLite's implicit rowid made explicit, and the revision several nodes check */
const POSTGRES_ONLY_COLUMNS = new Set(['rowid', 'rev']);
/** tables only PostgreSQL has: its migrations and the node heartbeats */
const POSTGRES_ONLY_TABLES = new Set(['schema_migrations', 'nodes']);

function sqliteColumns(db: Database.Database): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  const relations = db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
  for (const name of relations) {
    result[name] = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(name) as string[]).sort();
  }
  return result;
}

function postgresColumns(db: SqlDatabase): Record<string, string[]> {
  const rows = db.prepare(`SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
    WHERE table_schema = current_schema() ORDER BY table_name, column_name`).all() as Array<{ table: string; column: string }>;
  const result: Record<string, string[]> = {};
  for (const { table, column } of rows) {
    if (POSTGRES_ONLY_TABLES.has(table) || POSTGRES_ONLY_COLUMNS.has(column)) continue;
    (result[table] ??= []).push(column);
  }
  return result;
}

describe.skipIf(!postgresBinaries())('the PostgreSQL schema', () => {
  let cluster: ThrowawayCluster;
  let postgres: SqlDatabase;
  let sqlite: Database.Database;

  beforeAll(() => {
    cluster = startThrowawayCluster();
    postgres = openStore({ database: `${cluster.url}?schema=shape` });
    sqlite = openDatabase({ path: ':memory:' });
    BufferedMessageStore.for(sqlite);
    new Camunda8KeyStore(sqlite);
  });

  afterAll(() => {
    postgres?.close();
    sqlite?.close();
    cluster?.stop();
  });

  it('has every table, view and column SQLite has, and no others', () => {
    expect(postgresColumns(postgres)).toEqual(sqliteColumns(sqlite));
  });

  it('gives the tables SQLite queries order by rowid a rowid, and instances a revision', () => {
    const columns = postgres.prepare(`SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = ? ORDER BY 1`).pluck();
    expect(columns.all('rev')).toEqual(['instances']);
    expect(columns.all('rowid')).toEqual(expect.arrayContaining(['definitions', 'deployments', 'element_instances', 'incidents', 'instances', 'jobs', 'tasks']));
  });

  it('records each migration once, and migrating again changes nothing', () => {
    migratePostgres(postgres);
    expect(postgres.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(postgresMigrations.map((_, i) => i + 1));
  });

  it('refuses a database migrated by a newer engine', () => {
    postgres.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(postgresMigrations.length + 1);
    expect(() => migratePostgres(postgres)).toThrow(/newer than this engine understands/);
  });
});
