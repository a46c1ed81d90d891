import { openDatabase, type Synchronous } from './database.js';
import { openPostgresDatabase } from './postgres/postgres-database.js';
import { migratePostgres } from './postgres/schema.js';
import type { SqlDatabase } from './sql-database.js';

export interface StoreOptions {
  /** a SQLite file path or ':memory:', or a `postgres://` / `postgresql://` URL */
  database: string;
  /** SQLite only: see DatabaseOptions */
  synchronous?: Synchronous;
}

/** Whether `database` names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/**
 * Opens the engine's store and brings its schema up to date: PostgreSQL for a `postgres://` URL
 * (several engines may share it), else the SQLite file (one engine owns it).
 */
export function openStore(options: StoreOptions): SqlDatabase {
  if (!isPostgresUrl(options.database)) return openDatabase({ path: options.database, synchronous: options.synchronous });
  const db = openPostgresDatabase(options.database);
  try {
    migratePostgres(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** The database named for logs: a URL without its password. */
export function describeDatabase(database: string): string {
  if (!isPostgresUrl(database)) return database;
  try {
    const url = new URL(database);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
