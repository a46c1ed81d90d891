/**
 * Which store the running test file is on. The `postgres` vitest project (vitest.config.ts) runs
 * the engine suites a second time with `MLC_TEST_STORE=postgres`: every engine opened in memory
 * then lives in its own schema on one throwaway PostgreSQL cluster (setup-engine.ts).
 */
import { resolve } from 'node:path';

export const onPostgres = process.env.MLC_TEST_STORE === 'postgres';

const scratchFiles = new Set<string>();

/**
 * Marks a SQLite file as scratch: only this test process opens it (again after a close, maybe),
 * so in the postgres project a schema of its own stands in for it, the same one at every open.
 * Files handed to another process, or whose SQLite durability a test asserts, are not scratch.
 */
export function scratchDatabase(sqliteFile: string): string {
  if (onPostgres) scratchFiles.add(resolve(sqliteFile));
  return sqliteFile;
}

export function isScratchDatabase(path: string): boolean {
  return scratchFiles.has(resolve(path));
}
