// The worker thread behind PostgresDatabase (postgres-database.ts): it owns one pg.Client and
// answers the main thread's requests one at a time, in order. Plain JavaScript so that it loads
// unchanged under vitest, tsx and from dist/ (a worker file is not transformed by either).
//
// Protocol (see sync-connection.ts): the main thread posts a request on `port` and blocks in
// Atomics.wait on `signal[0]`; the worker posts the reply, then bumps `signal[0]` and notifies.
// A request with `noReply` (a pipelined write inside a transaction) is put on the wire without
// waiting for the previous one and gets no reply of its own: the next request that wants a reply
// first waits for every pipelined write, carries their row counts back, and, when one of them
// failed, is not run and answers with that (first) error instead.
import { workerData } from 'node:worker_threads';
import pg from 'pg';

const { port, signal, url, session } = workerData;

const BYTEA = 17;
const INT8 = 20;
const NUMERIC = 1700;
const JSON_TYPES = [114, 3802];
/** an int8 as a number, or as a bigint when a number cannot hold it exactly */
const parseInt8 = (text) => {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
};
const parseNumeric = (text) => Number(text);
const keepText = (text) => text;
/**
 * Values as SQLite gives them to the stores: int8 and numeric as numbers, json and jsonb as the
 * text the stores JSON.parse themselves; everything else as pg parses it (bytea as Buffer).
 */
const types = {
  getTypeParser(oid, format) {
    if (format !== 'binary') {
      if (oid === INT8) return parseInt8;
      if (oid === NUMERIC) return parseNumeric;
      if (JSON_TYPES.includes(oid)) return keepText;
    }
    return pg.types.getTypeParser(oid, format);
  },
};

let client;
/** why the current connection broke (set by its 'error'/'end' events), undefined while healthy */
let broken;
/** the first error of a pipelined write since the last reply */
let pendingError;
/** pipelined writes on the wire, and the row counts of those answered, by request id */
let inflight = [];
let rowCounts = {};
let txStatus = 'I';

function connectionLost(reason) {
  const error = new Error(`PostgreSQL connection lost: ${reason}`);
  error.code = '08006';
  return error;
}

async function connect() {
  const next = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: session.connectTimeoutMs, pipeline: session.pipeline, keepAlive: true });
  next.on('error', (error) => {
    if (client === next) broken ??= error.message;
  });
  next.on('end', () => {
    if (client === next) broken ??= 'the server closed the connection';
  });
  await next.connect();
  // the server's ReadyForQuery carries the transaction status: I idle, T in a transaction, E failed
  next.connection.on('readyForQuery', (message) => {
    if (client === next) txStatus = message.status;
  });
  const settings = [
    `SET idle_in_transaction_session_timeout = ${Number(session.idleInTransactionTimeoutMs)}`,
    `SET statement_timeout = ${Number(session.statementTimeoutMs)}`,
    `SET lock_timeout = ${Number(session.lockTimeoutMs)}`,
  ];
  if (session.schema) {
    // the name was checked against /^[a-z_][a-z0-9_]*$/ by the main thread
    settings.unshift(`CREATE SCHEMA IF NOT EXISTS "${session.schema}"`);
    settings.push(`SET search_path TO "${session.schema}"`);
  }
  try {
    // two sessions creating the same schema at once race in the catalog: retry once
    await next.query(settings.join('; ')).catch((error) =>
      error.code === '23505' || error.code === '42P06' ? next.query(settings.join('; ')) : Promise.reject(error),
    );
  } catch (error) {
    await next.end().catch(() => undefined);
    throw error;
  }
  client = next;
  broken = undefined;
  txStatus = 'I';
}

function dropClient() {
  const old = client;
  client = undefined;
  broken = undefined;
  txStatus = 'I';
  old?.end().catch(() => undefined);
}

/** Undefined values become NULL, Uint8Arrays (Buffers lose their class on the way) bytea. */
function values(params) {
  return params.map((value) => (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value));
}

function plainError(error) {
  const plain = { message: error?.message ?? String(error) };
  for (const key of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity', 'where', 'position']) {
    if (error && error[key] !== undefined) plain[key] = error[key];
  }
  return plain;
}

/** An error that means the socket is gone rather than the statement was refused. */
function isConnectionError(error) {
  if (broken !== undefined) return true;
  const code = error?.code;
  if (typeof code === 'string') return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '25P03';
  return /Connection terminated|ECONNRESET|EPIPE|not queryable|ECONNREFUSED|ENOENT/.test(error?.message ?? '');
}

async function execute(request) {
  switch (request.mode) {
    case 'exec': {
      await client.query(request.sql);
      return {};
    }
    case 'run':
    case 'rows':
    case 'first':
    case 'arrays':
    case 'firstArray': {
      const arrays = request.mode === 'arrays' || request.mode === 'firstArray';
      const result = await client.query({
        name: request.name,
        text: request.sql,
        values: values(request.params),
        rowMode: arrays ? 'array' : undefined,
      });
      const reply = { rowCount: result.rowCount ?? 0 };
      if (request.mode === 'run') return reply;
      reply.rows = request.mode === 'first' || request.mode === 'firstArray' ? result.rows.slice(0, 1) : result.rows;
      const bytea = [];
      result.fields.forEach((field, index) => {
        if (field.dataTypeID === BYTEA) bytea.push(arrays ? index : field.name);
      });
      if (bytea.length > 0) reply.bytea = bytea;
      return reply;
    }
    default:
      throw new Error(`unknown request mode ${request.mode}`);
  }
}

async function handle(request) {
  if (request.mode === 'close') {
    const old = client;
    client = undefined;
    await old?.end().catch(() => undefined);
    return {};
  }
  if (request.mode === 'rollback') {
    // abandoning the transaction (or savepoint) abandons the errors of its pipelined writes too
    pendingError = undefined;
  } else if (pendingError !== undefined) {
    // a pipelined write failed: this request is not run, the caller gets that error
    const error = pendingError;
    pendingError = undefined;
    error.message = `${error.message} (in an earlier pipelined write)`;
    return { error };
  }
  // only waits for the pipelined writes; a lost session reports no status (see below)
  if (request.mode === 'sync') return client === undefined ? {} : { txStatus };
  if (client !== undefined && broken !== undefined) {
    // the server ended the session while we were idle (terminated, restarted, idle-in-transaction timeout)
    const reason = broken;
    dropClient();
    if (request.mode !== 'rollback') {
      const consequence = request.inTransaction ? 'the transaction was rolled back' : 'the next statement reconnects';
      return { error: plainError(connectionLost(`${reason}; the statement was not run, ${consequence}`)) };
    }
  }
  if (client === undefined) {
    if (request.mode === 'rollback') return { txStatus: 'I' }; // a new session has nothing to roll back
    if (request.inTransaction) return { error: plainError(connectionLost('the transaction was lost with its session; the statement was not run')) };
    try {
      await connect();
    } catch (error) {
      const plain = plainError(error);
      if (request.mode !== 'connect') plain.message = `Cannot reconnect to PostgreSQL: ${plain.message}`;
      return { error: plain };
    }
    if (request.mode === 'connect') return { txStatus };
  }
  try {
    const reply = await execute(request.mode === 'rollback' || request.mode === 'connect' ? { mode: 'exec', sql: request.sql ?? 'SELECT 1' } : request);
    reply.txStatus = txStatus;
    return reply;
  } catch (error) {
    const plain = plainError(error);
    if (isConnectionError(error)) {
      const reason = broken ?? plain.message;
      dropClient();
      plain.message = `PostgreSQL connection lost: ${reason}; ${request.inTransaction ? 'the transaction was rolled back' : 'the next statement reconnects'}`;
      plain.code ??= '08006';
      if (request.mode === 'rollback') return { txStatus: 'I' };
      // no txStatus: the caller stays "in a transaction" until it rolls back, so the rest of the
      // lost transaction fails instead of running alone on a new session
      return { error: plain };
    }
    return { error: plain, txStatus };
  }
}

function reply(message) {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

/** Puts a pipelined write on the wire; its outcome is collected by `settlePipeline`. */
async function submitPipelined(request) {
  if (pendingError !== undefined) return; // the transaction has failed already: PostgreSQL would refuse it
  const begin = request.mode === 'begin';
  if (begin && client === undefined) {
    try {
      await connect();
    } catch (error) {
      pendingError = plainError(error);
      return;
    }
  }
  if (client === undefined || broken !== undefined) {
    const consequence = begin ? 'the transaction did not begin; the next statement reconnects' : 'the transaction was rolled back';
    pendingError = plainError(connectionLost(`${broken ?? 'no session'}; ${consequence}`));
    dropClient();
    return;
  }
  const sent = client;
  const query = request.mode === 'run' ? { name: request.name, text: request.sql, values: values(request.params) } : { text: request.sql };
  const write = client.query(query).then(
    (result) => {
      if (request.id !== undefined) rowCounts[request.id] = result.rowCount ?? 0;
    },
    (error) => {
      const plain = plainError(error);
      if (client === sent && isConnectionError(error)) {
        plain.message = `PostgreSQL connection lost: ${broken ?? plain.message}; the transaction was rolled back`;
        plain.code ??= '08006';
        dropClient();
      }
      pendingError ??= plain;
    },
  );
  inflight.push(write);
}

/** Waits for the pipelined writes; returns their row counts (or undefined when there were none). */
async function settlePipeline() {
  if (inflight.length === 0) return undefined;
  await Promise.all(inflight);
  inflight = [];
  const counts = rowCounts;
  rowCounts = {};
  return counts;
}

// requests are handled strictly in arrival order; only pipelined writes overlap
let queue = Promise.resolve();
port.on('message', (request) => {
  if (request.noReply) {
    queue = queue.then(() => submitPipelined(request));
    return;
  }
  queue = queue.then(async () => {
    let answer;
    try {
      const counts = await settlePipeline();
      answer = await handle(request);
      if (counts !== undefined) answer.rowCounts = counts;
    } catch (error) {
      answer = { error: plainError(error) };
    }
    reply(answer);
    if (request.mode === 'close') port.close();
  });
});

// if the worker dies, wake the main thread so it throws instead of waiting forever
process.on('exit', () => {
  Atomics.store(signal, 1, 1);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
