/**
 * The raw SQLite floor's loop on PostgreSQL through the engine's own synchronous driver
 * (PostgresDatabase: one session in a worker thread, each call a blocking round trip): one INSERT
 * and one UPDATE of a fresh row per committed transaction, one connection, nothing else. Beside
 * pgbench it shows what the driver's round trips cost before any engine code runs.
 */
import { randomUUID } from 'node:crypto';
import { openPostgresDatabase } from '../src/store/postgres/postgres-database.js';
import { now } from './lib/stats.js';

export interface DriverLoopResult {
  transactions: number;
  elapsedMs: number;
  perSecond: number;
}

/** `pipelined`: the writes inside the transaction do not wait for their answer (the driver's `pipelineWrites`). */
export function driverLoop(url: string, pipelined: boolean, transactions: number, maxMs: number): DriverLoopResult {
  const db = openPostgresDatabase(url, { pipelineWrites: pipelined });
  try {
    db.exec('CREATE TABLE IF NOT EXISTS driver_loop (id text PRIMARY KEY, state text NOT NULL, n integer NOT NULL, at bigint NOT NULL)');
    const insert = db.prepare('INSERT INTO driver_loop (id, state, n, at) VALUES (?, ?, ?, ?)');
    const update = db.prepare('UPDATE driver_loop SET state = ?, n = n + 1 WHERE id = ?');
    const tx = db.transaction((id: string, i: number) => {
      insert.run(id, 'active', i, Date.now());
      update.run('completed', id);
    });
    for (let i = 0; i < 200; i++) tx(randomUUID(), i); // warm-up: the statements are prepared on the server once
    const started = now();
    const deadline = started + maxMs;
    let done = 0;
    while (done < transactions && (done % 64 !== 0 || now() < deadline)) {
      tx(randomUUID(), done);
      done++;
    }
    const elapsedMs = now() - started;
    return { transactions: done, elapsedMs, perSecond: (done / elapsedMs) * 1000 };
  } finally {
    db.close();
  }
}
