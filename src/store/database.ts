import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './schema.js';

export type Synchronous = 'OFF' | 'NORMAL' | 'FULL';

export interface DatabaseOptions {
  /** a file path, or ':memory:' */
  path: string;
  /** NORMAL survives an application crash; FULL also survives power loss (see README "Guarantees") */
  synchronous?: Synchronous;
}

/**
 * Opens (creating if needed) an engine database and brings its schema up to date.
 * The file is held in exclusive locking mode: one engine owns a database file at a time, which
 * is what lets a restarted engine treat every in-process job lock as orphaned.
 */
export function openDatabase(options: DatabaseOptions): Database.Database {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    db.pragma('foreign_keys = OFF');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -32000');
    // Taking the write lock now makes a second engine on the same file fail at open, not later.
    db.exec('BEGIN IMMEDIATE; COMMIT');
    migrate(db);
  } catch (error) {
    db.close();
    if (error instanceof Error && /locked|busy/i.test(error.message)) {
      throw new Error(`Database '${options.path}' is in use by another engine (one engine per database file)`);
    }
    throw error;
  }
  return db;
}

function migrate(db: Database.Database): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  if (applied > migrations.length) {
    throw new Error(`Database schema version ${applied} is newer than this engine understands (${migrations.length})`);
  }
  for (let version = applied; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
