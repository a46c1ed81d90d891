/**
 * The raw SQLite floor: the small-transaction rate of better-sqlite3 on a file database with the
 * engine's pragmas (WAL, exclusive locking, the same synchronous setting): one INSERT and one
 * UPDATE per committed transaction, nothing else.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { now } from './stats.js';
import { tempDb, removeDb } from './files.js';

export interface FloorResult {
  transactions: number;
  elapsedMs: number;
  perSecond: number;
}

export function sqliteFloor(synchronous: 'OFF' | 'NORMAL' | 'FULL', transactions: number, maxMs: number): FloorResult {
  const file = tempDb('floor');
  const db = new Database(file);
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, state TEXT NOT NULL, n INTEGER NOT NULL, at INTEGER NOT NULL)');
    const insert = db.prepare('INSERT INTO t (id, state, n, at) VALUES (?, ?, ?, ?)');
    const update = db.prepare('UPDATE t SET state = ?, n = n + 1 WHERE id = ?');
    const tx = db.transaction((id: string, i: number) => {
      insert.run(id, 'active', i, Date.now());
      update.run('completed', id);
    });
    for (let i = 0; i < 200; i++) tx(randomUUID(), i); // warm-up
    const started = now();
    const deadline = started + maxMs;
    let done = 0;
    while (done < transactions && (done % 256 !== 0 || now() < deadline)) {
      tx(randomUUID(), done);
      done++;
    }
    const elapsedMs = now() - started;
    return { transactions: done, elapsedMs, perSecond: (done / elapsedMs) * 1000 };
  } finally {
    db.close();
    removeDb(file);
  }
}
