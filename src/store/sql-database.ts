/**
 * The synchronous SQL connection every store is written against: the part of better-sqlite3's
 * API the stores use. SQLite passes its better-sqlite3 `Database` as is (no wrapper on the
 * embedded path); PostgreSQL passes `PostgresDatabase` (src/store/postgres/), which runs the same
 * statements, translated to its dialect, over a connection that answers synchronously.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqlStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): any;
  all(...params: unknown[]): any[];
  iterate(...params: unknown[]): IterableIterator<any>;
  /** rows as their first column's value */
  pluck(toggle?: boolean): this;
  /** rows as arrays of column values */
  raw(toggle?: boolean): this;
}

/** the parameters of `F`, spelled as better-sqlite3 spells them so its Database fits this interface */
type ArgumentsOf<F extends (...args: any[]) => any> = F extends (...args: infer A) => unknown ? A : never;

export interface SqlDatabase {
  prepare(sql: string): SqlStatement;
  exec(sql: string): unknown;
  /** a function running `fn` in a transaction, or in a savepoint when one is open already */
  transaction<F extends (...args: any[]) => any>(fn: F): (...args: ArgumentsOf<F>) => ReturnType<F>;
  readonly inTransaction: boolean;
  close(): unknown;
}

export type SqlDialect = 'sqlite' | 'postgres';

/** Which SQL the connection speaks (a better-sqlite3 Database carries no marker: it is SQLite). */
export function dialectOf(db: SqlDatabase): SqlDialect {
  return (db as { dialect?: SqlDialect }).dialect ?? 'sqlite';
}
