/**
 * vitest setupFiles of the `postgres` project: `Engine.open` with no database, ':memory:' or a
 * scratch file (store-under-test.ts) opens a schema on the run's throwaway cluster instead, so
 * the test files run unchanged on PostgreSQL. Other file paths stay SQLite: those tests assert
 * the file's durability, or hand the file to another process.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { Engine, type EngineOptions } from '../../src/index.js';
import { isScratchDatabase } from './store-under-test.js';

const clusterUrl = inject('postgresUrl');
const openEngine = Engine.open.bind(Engine);
/** scratch file → the schema standing in for it, so a reopen finds what the last engine left */
const schemaOfScratchFile = new Map<string, string>();

/** A schema of its own: as isolated as a new in-memory SQLite database. */
function freshSchemaUrl(): string {
  return `${clusterUrl}?schema=t_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

function databaseOnPostgres(database: string | undefined): string {
  if (database === undefined || database === ':memory:') return freshSchemaUrl();
  if (!isScratchDatabase(database)) return database;
  const file = resolve(database);
  let url = schemaOfScratchFile.get(file);
  if (url === undefined) schemaOfScratchFile.set(file, (url = freshSchemaUrl()));
  return url;
}

Engine.open = (options: EngineOptions = {}): Promise<Engine> => openEngine({ ...options, database: databaseOnPostgres(options.database) });
