/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * PostgreSQL behind the `SqlDatabase` interface the stores are written against: the same
 * synchronous calls as better-sqlite3 (prepare → run/get/all/iterate/pluck/raw, exec,
 * transaction, inTransaction, close), answered by one session over `SyncConnection`.
 * Statements are translated by dialect.ts and run as named prepared statements, so PostgreSQL
 * parses each distinct statement once per session.
 *
 * Values come back as SQLite gives them: int8 and numeric as numbers (an int8 beyond 2^53 as a
 * bigint rather than rounded), json/jsonb as text, bytea as Buffer; booleans stay booleans and
 * timestamps are pg's Dates (the stores keep times as int8 milliseconds). Parameters bind as in
 * better-sqlite3: booleans as 1/0, bigints exactly, undefined as NULL, Buffers as bytea; other
 * objects are refused.
 *
 * Differences from better-sqlite3 a caller must know: `prepare()` does not reach the server, so
 * a bad statement fails at its first run; a failed statement inside a transaction aborts it
 * (PostgreSQL refuses further statements until ROLLBACK, or ROLLBACK TO a savepoint, which the
 * nested `transaction()` does); `lastInsertRowid` is always 0 (use RETURNING).
 */
import type { RunResult, SqlDatabase, SqlStatement } from '../sql-database.js';
import { toPostgres, type PostgresStatement } from './dialect.js';
import { PostgresError, SyncConnection, type Reply, type RequestMode } from './sync-connection.js';

export { PostgresError } from './sync-connection.js';

export interface PostgresOptions {
  /** `statement_timeout` of the session (0: none) */
  statementTimeoutMs?: number;
  /** `lock_timeout` of the session (0: none) */
  lockTimeoutMs?: number;
  /** `idle_in_transaction_session_timeout`: a stopped node cannot hold its locks longer than this */
  idleInTransactionTimeoutMs?: number;
  /** how long connecting may take before `openPostgresDatabase` gives up */
  connectTimeoutMs?: number;
  /**
   * Pipelined writes: inside a transaction, `run()` does not wait for PostgreSQL. Its result's
   * `changes` is read lazily (reading it waits), and a failed write throws at the next call that
   * waits (any read, exec, the COMMIT), in order, never later. Off by default, because code
   * that catches the error of one particular `run()` would see it at a later call instead.
   */
  pipelineWrites?: boolean;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;
const SAVEPOINT = 'mlc_savepoint';
/**
 * Distinct statements kept parsed on the server per session; statements built on the fly (query
 * filters) past this many run unnamed, parsed on each use, so the session's memory stays bounded.
 */
const NAMED_STATEMENTS_LIMIT = 2_000;

/** Opens a session on the database at `url` (`postgres://…`, optionally `?schema=<name>`); blocks until connected. */
export function openPostgresDatabase(url: string, options: PostgresOptions = {}): PostgresDatabase {
  return new PostgresDatabase(url, options);
}

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres';
  private readonly connection: SyncConnection;
  private txStatus: 'I' | 'T' | 'E' = 'I';
  private isOpen = true;
  private readonly statementNames = new Map<string, string>();
  private readonly pipelineWrites: boolean;
  /** pipelined writes whose row count has not come back yet */
  private unsettled: PipelinedResult[] = [];
  private nextWriteId = 0;
  /** the schema named by the URL's `schema` parameter, if any */
  readonly schema: string | undefined;

  constructor(url: string, options: PostgresOptions = {}) {
    const { connectionUrl, schema } = splitSchema(url);
    this.schema = schema;
    this.pipelineWrites = options.pipelineWrites ?? false;
    this.connection = new SyncConnection(connectionUrl, {
      connectTimeoutMs: milliseconds('connectTimeoutMs', options.connectTimeoutMs ?? 10_000),
      statementTimeoutMs: milliseconds('statementTimeoutMs', options.statementTimeoutMs ?? 0),
      lockTimeoutMs: milliseconds('lockTimeoutMs', options.lockTimeoutMs ?? 0),
      idleInTransactionTimeoutMs: milliseconds('idleInTransactionTimeoutMs', options.idleInTransactionTimeoutMs ?? 10_000),
      schema,
      pipeline: this.pipelineWrites,
    });
  }

  get inTransaction(): boolean {
    return this.txStatus !== 'I';
  }

  prepare(sql: string): SqlStatement {
    const translated = toPostgres(sql);
    let name = this.statementNames.get(translated.text);
    if (name === undefined && this.statementNames.size < NAMED_STATEMENTS_LIMIT) {
      name = `mlc_${this.statementNames.size + 1}`;
      this.statementNames.set(translated.text, name);
    }
    return new PreparedStatement(this, translated, name);
  }

  /** Runs one or more statements without parameters (PostgreSQL's dialect, not translated). */
  exec(sql: string): this {
    // a ROLLBACK must succeed even when the session (and so the transaction) is already gone
    this.send(/^\s*ROLLBACK\s*;?\s*$/i.test(sql) ? 'rollback' : 'exec', sql);
    return this;
  }

  transaction<F extends (...args: any[]) => any>(fn: F): F {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const db = this;
    return function (this: unknown, ...args: unknown[]) {
      const nested = db.inTransaction;
      // a SAVEPOINT waits, so an earlier pipelined write's failure throws here, outside the savepoint
      if (nested) db.send('exec', `SAVEPOINT ${SAVEPOINT}`);
      else db.begin();
      try {
        const result = fn.apply(this, args);
        if (result !== null && typeof (result as { then?: unknown })?.then === 'function') {
          throw new TypeError('Transaction function cannot return a promise');
        }
        // both wait: the end of a savepoint is where its pipelined writes' failure must show
        db.send('exec', nested ? `RELEASE SAVEPOINT ${SAVEPOINT}` : 'COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) {
          db.send('rollback', nested ? `ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}` : 'ROLLBACK');
        }
        throw error;
      }
    } as F;
  }

  close(): this {
    this.connection.close();
    this.isOpen = false;
    this.txStatus = 'I';
    return this;
  }

  /** false once closed, as better-sqlite3's `open` (readiness and the metrics read it) */
  get open(): boolean {
    return this.isOpen;
  }

  /** @internal one request to the session; throws its error (or an earlier pipelined write's) */
  send(mode: RequestMode, sql: string, name?: string, params?: unknown[]): Reply {
    const reply = this.connection.request({ mode, sql, name, params, inTransaction: this.txStatus !== 'I' });
    if (reply.txStatus !== undefined) this.txStatus = reply.txStatus;
    if (this.unsettled.length > 0) this.settle(reply.rowCounts ?? {});
    if (reply.error) throw new PostgresError(reply.error);
    return reply;
  }

  /** @internal a write sent without waiting, when pipelining and inside a transaction; else undefined */
  sendPipelined(sql: string, name: string | undefined, params: unknown[]): RunResult | undefined {
    if (!this.pipelineWrites || this.txStatus !== 'T') return undefined;
    const id = ++this.nextWriteId;
    this.connection.request({ mode: 'run', sql, name, params, inTransaction: true, noReply: true, id });
    const result = new PipelinedResult(this, id);
    this.unsettled.push(result);
    return result;
  }

  /**
   * @internal BEGIN: pipelined when pipelining (a failure to begin throws at the next waiting
   * call, COMMIT at the latest), else waited for.
   */
  begin(): void {
    if (!this.pipelineWrites) {
      this.send('exec', 'BEGIN');
      return;
    }
    this.connection.request({ mode: 'begin', sql: 'BEGIN', inTransaction: false, noReply: true });
    this.txStatus = 'T';
  }

  /** @internal waits for every pipelined write (throws the first failure) */
  flush(): void {
    this.send('sync', '');
  }

  private settle(rowCounts: Record<number, number>): void {
    for (const result of this.unsettled) result.settle(rowCounts[result.id]);
    this.unsettled = [];
  }
}

class PreparedStatement implements SqlStatement {
  private plucking = false;
  private rawRows = false;

  constructor(
    private readonly db: PostgresDatabase,
    private readonly translated: PostgresStatement,
    private readonly name: string | undefined,
  ) {}

  run(...params: unknown[]): RunResult {
    const values = bind(this.translated, params);
    const pipelined = this.db.sendPipelined(this.translated.text, this.name, values);
    if (pipelined) return pipelined;
    const reply = this.db.send('run', this.translated.text, this.name, values);
    return { changes: reply.rowCount ?? 0, lastInsertRowid: 0 };
  }

  get(...params: unknown[]): any {
    const arrays = this.plucking || this.rawRows;
    const reply = this.db.send(arrays ? 'firstArray' : 'first', this.translated.text, this.name, bind(this.translated, params));
    const row = rowsOf(reply)[0];
    if (row === undefined) return undefined;
    return this.plucking ? (row as unknown[])[0] : row;
  }

  all(...params: unknown[]): any[] {
    const arrays = this.plucking || this.rawRows;
    const reply = this.db.send(arrays ? 'arrays' : 'rows', this.translated.text, this.name, bind(this.translated, params));
    const rows = rowsOf(reply);
    return this.plucking ? rows.map((row) => (row as unknown[])[0]) : rows;
  }

  iterate(...params: unknown[]): IterableIterator<any> {
    return this.all(...params)[Symbol.iterator]();
  }

  pluck(toggle = true): this {
    this.plucking = toggle;
    if (toggle) this.rawRows = false;
    return this;
  }

  raw(toggle = true): this {
    this.rawRows = toggle;
    if (toggle) this.plucking = false;
    return this;
  }
}


/** The result of a pipelined `run()`: `changes` waits for the write when read before it is answered. */
class PipelinedResult implements RunResult {
  readonly lastInsertRowid = 0;
  private rowCount: number | undefined;
  private settled = false;

  constructor(
    private readonly db: PostgresDatabase,
    readonly id: number,
  ) {}

  get changes(): number {
    if (!this.settled) this.db.flush();
    if (this.rowCount === undefined) throw new Error('This pipelined write failed (its error was thrown by an earlier call)');
    return this.rowCount;
  }

  settle(rowCount: number | undefined): void {
    this.settled = true;
    this.rowCount = rowCount;
  }
}

/** Rows with bytea columns turned back into Buffers (the thread boundary hands over Uint8Arrays). */
function rowsOf(reply: Reply): unknown[] {
  const rows = reply.rows ?? [];
  if (reply.bytea === undefined) return rows;
  for (const row of rows as Record<string | number, unknown>[]) {
    for (const column of reply.bytea) {
      const value = row[column];
      if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[column] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return rows;
}

/**
 * The values for `$1..$n`, bound as better-sqlite3 binds them: positional values (arrays are
 * spread), or one object whose keys are the named parameters.
 */
function bind(statement: PostgresStatement, args: unknown[]): unknown[] {
  let values: unknown[];
  if (statement.paramNames !== undefined) {
    const named = args.length === 1 ? args[0] : undefined;
    if (!isPlainObject(named)) throw new TypeError('This statement has named parameters: pass one object holding them');
    values = statement.paramNames.map((name) => {
      if (!(name in named)) throw new RangeError(`Missing named parameter "${name}"`);
      return named[name];
    });
  } else {
    values = args.flatMap((arg) => (Array.isArray(arg) ? arg : [arg]));
    if (values.length < statement.paramCount) throw new RangeError('Too few parameter values were provided');
    if (values.length > statement.paramCount) throw new RangeError('Too many parameter values were provided');
  }
  return values.map(parameterValue);
}

function parameterValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'bigint':
      return value.toString();
    case 'undefined':
      return null;
    case 'object':
      if (value === null || value instanceof Uint8Array) return value;
      throw new TypeError(`PostgreSQL parameters can only be numbers, strings, bigints, buffers and null, not ${Object.prototype.toString.call(value)}`);
    default:
      throw new TypeError(`PostgreSQL parameters can only be numbers, strings, bigints, buffers and null, not ${typeof value}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function milliseconds(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${option} must be a whole number of milliseconds ≥ 0 (got ${value})`);
  return value;
}

/** Takes `schema=<name>` off the URL (pg would pass it to the server as a setting). */
function splitSchema(url: string): { connectionUrl: string; schema: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Not a PostgreSQL URL: ${url.replace(/\/\/[^@/]*@/, '//…@')}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`A PostgreSQL URL starts with postgres:// (got ${parsed.protocol}//…)`);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema === undefined) return { connectionUrl: url, schema };
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Schema name "${schema}" must match ${SCHEMA_NAME} (lower-case letters, digits, _)`);
  parsed.searchParams.delete('schema');
  return { connectionUrl: parsed.toString(), schema };
}
