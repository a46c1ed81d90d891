import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresDatabase, type PostgresDatabase } from '../../src/store/postgres/postgres-database.js';
import { dialectOf } from '../../src/store/sql-database.js';
import { postgresBinaries, startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('expected an error');
}

describe.skipIf(!postgresBinaries())('PostgresDatabase: a synchronous PostgreSQL connection', () => {
  let cluster: ThrowawayCluster;
  let db: PostgresDatabase;
  const opened: PostgresDatabase[] = [];
  const open = (schema: string, options = {}) => {
    const connection = openPostgresDatabase(`${cluster.url}?schema=${schema}`, options);
    opened.push(connection);
    return connection;
  };

  beforeAll(() => {
    cluster = startThrowawayCluster();
    db = open('driver');
    db.exec(`CREATE TABLE items (id int8 PRIMARY KEY, name text UNIQUE, price numeric, data bytea, flag boolean, created_at int8);
             CREATE TABLE counters (name text PRIMARY KEY, value integer NOT NULL)`);
  });

  afterAll(() => {
    for (const connection of opened) connection.close();
    cluster?.stop();
  });

  it('says it speaks PostgreSQL', () => {
    expect(dialectOf(db)).toBe('postgres');
  });

  it('runs, gets and lists rows with positional and named parameters', () => {
    const insert = db.prepare('INSERT INTO items (id, name, price, created_at) VALUES (?, ?, ?, ?)');
    expect(insert.run(1, 'apple', 1.5, 1_700_000_000_000)).toEqual({ changes: 1, lastInsertRowid: 0 });
    insert.run([2, 'Banana', 2, 1_700_000_000_001]);
    db.prepare('INSERT INTO items (id, name, price) VALUES (@id, @name, :price)').run({ id: 3, name: 'cherry', price: 0.25 });
    expect(db.prepare('SELECT id, name, price, created_at AS createdAt FROM items WHERE id = ?').get(1)).toEqual({
      id: 1,
      name: 'apple',
      price: 1.5,
      createdAt: 1_700_000_000_000,
    });
    expect(db.prepare('SELECT id FROM items WHERE id = ?').get(99)).toBeUndefined();
    expect(db.prepare('SELECT id, name FROM items ORDER BY id').all()).toEqual([
      { id: 1, name: 'apple' },
      { id: 2, name: 'Banana' },
      { id: 3, name: 'cherry' },
    ]);
    expect(db.prepare('UPDATE items SET price = price * 2 WHERE id > ?').run(1).changes).toBe(2);
  });

  it('plucks, returns raw rows and iterates', () => {
    expect(db.prepare('SELECT name FROM items ORDER BY id').pluck().all()).toEqual(['apple', 'Banana', 'cherry']);
    expect(db.prepare('SELECT count(*) FROM items').pluck().get()).toBe(3);
    expect(db.prepare('SELECT id, name FROM items WHERE id < ? ORDER BY id').raw().all(3)).toEqual([
      [1, 'apple'],
      [2, 'Banana'],
    ]);
    const toggled = db.prepare('SELECT id, name FROM items WHERE id = 1').pluck();
    expect(toggled.get()).toBe(1);
    expect(toggled.pluck(false).get()).toEqual({ id: 1, name: 'apple' });
    expect([...db.prepare('SELECT id FROM items ORDER BY id DESC').pluck().iterate()]).toEqual([3, 2, 1]);
  });

  it('matches LIKE without regard to ASCII case, as SQLite does', () => {
    expect(db.prepare('SELECT name FROM items WHERE name LIKE ? ORDER BY id').pluck().all('b%')).toEqual(['Banana']);
  });

  it("gives SQLite's scalar max/min results, NULL included", () => {
    expect(db.prepare('SELECT max(a, b) AS m, min(a, b) AS n FROM (VALUES (1, 2), (3, NULL)) AS v (a, b) ORDER BY a').all()).toEqual([
      { m: 2, n: 1 },
      { m: null, n: null },
    ]);
  });

  it('ignores a conflicting INSERT OR IGNORE', () => {
    expect(db.prepare('INSERT OR IGNORE INTO items (id, name) VALUES (?, ?)').run(1, 'again').changes).toBe(0);
  });

  it('reads int8 and numeric as numbers, converts booleans, bigints and undefined', () => {
    db.prepare('INSERT INTO items (id, name, price, flag) VALUES (?, ?, ?, ?)').run(10n, 'big', undefined, true);
    expect(db.prepare('SELECT id, price, flag FROM items WHERE id = ?').get(10)).toEqual({ id: 10, price: null, flag: true });
    expect(db.prepare('SELECT 9007199254740991::int8 AS n, 12.5::numeric AS m').get()).toEqual({ n: 9007199254740991, m: 12.5 });
  });

  it('reads an int8 a number cannot hold as a bigint, and json as the text SQLite would give', () => {
    expect(db.prepare('SELECT 9223372036854775807::int8 AS n').get()).toEqual({ n: 9223372036854775807n });
    expect(db.prepare(`SELECT '{"a": [1, 2]}'::jsonb AS j, '[true]'::json AS k`).get()).toEqual({ j: '{"a": [1, 2]}', k: '[true]' });
  });

  it('refuses objects as parameters and wrong parameter counts, as better-sqlite3 does', () => {
    expect(() => db.prepare('SELECT ?::text').get(new Date())).toThrow(TypeError);
    expect(() => db.prepare('SELECT ?::text, ?::text').get(1)).toThrow(/Too few/);
    expect(() => db.prepare('SELECT ?::text').get(1, 2)).toThrow(/Too many/);
    expect(() => db.prepare('SELECT @a::text').get({ b: 1 })).toThrow(/Missing named parameter "a"/);
  });

  it('round-trips a Buffer through bytea', () => {
    const bytes = Buffer.from([0, 1, 2, 254, 255]);
    db.prepare('INSERT INTO items (id, name, data) VALUES (?, ?, ?)').run(20, 'blob', bytes);
    const row = db.prepare('SELECT data FROM items WHERE id = ?').get(20);
    expect(Buffer.isBuffer(row.data)).toBe(true);
    expect(row.data.equals(bytes)).toBe(true);
    const raw = db.prepare('SELECT data FROM items WHERE id = ?').pluck().get(20);
    expect(Buffer.isBuffer(raw) && raw.equals(bytes)).toBe(true);
  });

  it('commits a transaction and rolls back only the failed nested part', () => {
    const set = db.prepare('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    const read = db.prepare('SELECT value FROM counters WHERE name = ?').pluck();
    const inner = db.transaction((value: number) => {
      set.run('inner', value);
      throw new Error('inner fails');
    });
    const outer = db.transaction(() => {
      expect(db.inTransaction).toBe(true);
      set.run('outer', 1);
      expect(() => inner(2)).toThrow('inner fails');
      expect(db.inTransaction).toBe(true);
      set.run('after', 3);
      return 'done';
    });
    expect(outer()).toBe('done');
    expect(db.inTransaction).toBe(false);
    expect(read.get('outer')).toBe(1);
    expect(read.get('inner')).toBeUndefined();
    expect(read.get('after')).toBe(3);
  });

  it('rolls back the whole transaction when the outer function throws', () => {
    const set = db.prepare('INSERT INTO counters (name, value) VALUES (?, ?)');
    const failing = db.transaction(() => {
      set.run('lost', 1);
      db.transaction(() => set.run('lost-too', 2))();
      throw new Error('outer fails');
    });
    expect(() => failing()).toThrow('outer fails');
    expect(db.inTransaction).toBe(false);
    expect(db.prepare('SELECT count(*) FROM counters WHERE name LIKE ?').pluck().get('lost%')).toBe(0);
  });

  it('rolls back when a statement fails inside, and the error keeps its SQLSTATE', () => {
    const insert = db.prepare('INSERT INTO counters (name, value) VALUES (?, ?)');
    insert.run('unique', 1);
    const duplicate = db.transaction(() => {
      insert.run('half', 1);
      insert.run('unique', 2);
    });
    let error: { code?: string; constraint?: string; detail?: string } = {};
    try {
      duplicate();
    } catch (thrown) {
      error = thrown as typeof error;
    }
    expect(error.code).toBe('23505');
    expect(error.constraint).toBe('counters_pkey');
    expect(error.detail).toMatch(/unique/);
    expect(db.inTransaction).toBe(false);
    expect(db.prepare('SELECT count(*) FROM counters WHERE name = ?').pluck().get('half')).toBe(0);
    expect(codeOf(() => db.prepare('SELECT * FROM no_such_table').all())).toBe('42P01');
  });

  it('keeps two schemas apart', () => {
    const a = open('tenant_a');
    const b = open('tenant_b');
    a.exec('CREATE TABLE notes (text text)');
    b.exec('CREATE TABLE notes (text text)');
    a.prepare('INSERT INTO notes (text) VALUES (?)').run('only in a');
    expect(a.prepare('SELECT text FROM notes').pluck().all()).toEqual(['only in a']);
    expect(b.prepare('SELECT text FROM notes').pluck().all()).toEqual([]);
    expect(() => openPostgresDatabase(`${cluster.url}?schema=Bad-Name`)).toThrow(/must match/);
  });

  // pg_terminate_backend(pid, timeout) returns once the session is gone, so the next query cannot win the race
  it('fails the query that finds its session gone and reconnects for the next one', () => {
    const victim = open('driver');
    const killer = open('driver');
    const pid = victim.prepare('SELECT pg_backend_pid()').pluck().get();
    expect(killer.prepare('SELECT pg_terminate_backend(?, 5000)').pluck().get(pid)).toBe(true);
    expect(() => victim.prepare('SELECT 1').get()).toThrow(/connection/i);
    expect(victim.prepare('SELECT 41 + 1 AS n').get()).toEqual({ n: 42 });
    expect(victim.prepare('SELECT pg_backend_pid()').pluck().get()).not.toBe(pid);
  });

  it('loses a transaction whose session was killed, and says so', () => {
    const victim = open('driver');
    const killer = open('driver');
    const pid = victim.prepare('SELECT pg_backend_pid()').pluck().get();
    const insert = victim.prepare('INSERT INTO counters (name, value) VALUES (?, ?)');
    const work = victim.transaction(() => {
      insert.run('killed', 1);
      killer.prepare('SELECT pg_terminate_backend(?, 5000)').get(pid);
      insert.run('killed-2', 2);
    });
    expect(() => work()).toThrow(/connection lost/i);
    expect(victim.inTransaction).toBe(false);
    expect(victim.prepare('SELECT count(*) FROM counters WHERE name LIKE ?').pluck().get('killed%')).toBe(0);
  });

  it('reconnects after a server restart, failing only the statement that found the session gone', () => {
    const survivor = open('driver');
    const before = survivor.prepare('SELECT pg_backend_pid()').pluck().get();
    // -l again: without it the new server would write to (and hold open) our pipes
    const pgCtl = [join(postgresBinaries()!, 'pg_ctl'), '-D', join(cluster.socketDir, 'data'), '-l', join(cluster.socketDir, 'server.log'), '-m', 'fast', '-w', 'restart'];
    // the fixture runs the server as postgres when we are root (PostgreSQL refuses root)
    const asRoot = userInfo().uid === 0;
    const restarted = asRoot
      ? spawnSync('runuser', ['-u', existsSync('/var/lib/postgresql') ? 'postgres' : 'nobody', '--', ...pgCtl], { cwd: cluster.socketDir, encoding: 'utf8', timeout: 20_000 })
      : spawnSync(pgCtl[0]!, pgCtl.slice(1), { cwd: cluster.socketDir, encoding: 'utf8', timeout: 20_000 });
    expect(restarted.status, restarted.stderr).toBe(0);
    expect(() => survivor.prepare('SELECT 1').get()).toThrow(/connection lost/i);
    expect(survivor.prepare('SELECT pg_backend_pid()').pluck().get()).not.toBe(before);
    // every other open session reconnects the same way; let the later tests find theirs working
    for (const connection of opened) {
      try {
        connection.prepare('SELECT 1').get();
      } catch {
        connection.prepare('SELECT 1').get();
      }
    }
  });

  it('loses a transaction left idle past idle_in_transaction_session_timeout, and recovers after ROLLBACK', () => {
    const idle = open('driver', { idleInTransactionTimeoutMs: 200 });
    idle.exec('BEGIN');
    idle.prepare('INSERT INTO counters (name, value) VALUES (?, ?)').run('idle', 1);
    // the main thread sleeps (as a stopped node would); the server ends the session meanwhile
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_500);
    expect(() => idle.prepare('SELECT 1').get()).toThrow(/connection lost.*transaction was rolled back/i);
    expect(idle.inTransaction).toBe(true);
    expect(() => idle.prepare('SELECT 1').get()).toThrow(/transaction was lost/);
    idle.exec('ROLLBACK');
    expect(idle.inTransaction).toBe(false);
    expect(idle.prepare('SELECT count(*) FROM counters WHERE name = ?').pluck().get('idle')).toBe(0);
  });

  it('refuses a timeout that is not a whole number of milliseconds', () => {
    expect(() => openPostgresDatabase(cluster.url, { statementTimeoutMs: -1 })).toThrow(/statementTimeoutMs must be/);
  });

  it('ends a statement past the statement timeout with 57014', () => {
    const impatient = open('driver', { statementTimeoutMs: 100 });
    expect(codeOf(() => impatient.prepare('SELECT pg_sleep(2)').get())).toBe('57014');
    expect(impatient.prepare('SELECT 1 AS ok').get()).toEqual({ ok: 1 });
  });

  it('throws a clear error when the server cannot be reached', () => {
    expect(() => openPostgresDatabase('postgres://nobody@%2Ftmp%2Fno-such-socket-dir/postgres', { connectTimeoutMs: 2_000 })).toThrow(
      /Cannot connect to PostgreSQL/,
    );
  });

  describe('with pipelined writes', () => {
    let piped: PostgresDatabase;
    beforeAll(() => {
      piped = open('pipelined', { pipelineWrites: true });
      piped.exec('CREATE TABLE rows (id integer PRIMARY KEY, note text)');
    });

    it('sends writes inside a transaction without waiting, reading their row counts on demand', () => {
      const insert = piped.prepare('INSERT INTO rows (id, note) VALUES (?, ?)');
      const results = piped.transaction(() => {
        const written = [];
        for (let id = 1; id <= 500; id += 1) written.push(insert.run(id, `row ${id}`));
        // a read waits for the writes before it: it sees them all
        expect(piped.prepare('SELECT count(*) FROM rows').pluck().get()).toBe(500);
        written.push(piped.prepare('UPDATE rows SET note = ? WHERE id > ?').run('late', 490));
        return written;
      })();
      expect(results[0]!.changes).toBe(1);
      expect(results[500]!.changes).toBe(10);
      expect(piped.prepare("SELECT count(*) FROM rows WHERE note = 'late'").pluck().get()).toBe(10);
    });

    it('throws a failed write at the next call that waits, and rolls the transaction back', () => {
      const insert = piped.prepare('INSERT INTO rows (id, note) VALUES (?, ?)');
      const failing = piped.transaction(() => {
        insert.run(1001, 'kept until the failure');
        insert.run(1, 'duplicate');
        insert.run(1002, 'after the failure');
        piped.prepare('SELECT 1').get();
        throw new Error('not reached: the read above throws');
      });
      expect(codeOf(failing)).toBe('23505');
      expect(piped.inTransaction).toBe(false);
      expect(piped.prepare('SELECT count(*) FROM rows WHERE id > 1000').pluck().get()).toBe(0);
    });

    it('throws a failed write at COMMIT when nothing waits before it', () => {
      const insert = piped.prepare('INSERT INTO rows (id, note) VALUES (?, ?)');
      const failing = piped.transaction(() => {
        insert.run(2001, 'x');
        insert.run(2, 'duplicate');
      });
      expect(codeOf(failing)).toBe('23505');
      expect(piped.prepare('SELECT count(*) FROM rows WHERE id > 2000').pluck().get()).toBe(0);
    });

    it('rolls back only a failed savepoint, the outer transaction going on', () => {
      const insert = piped.prepare('INSERT INTO rows (id, note) VALUES (?, ?)');
      piped.transaction(() => {
        insert.run(3001, 'outer');
        const inner = piped.transaction(() => {
          insert.run(3002, 'inner');
          insert.run(3, 'duplicate');
        });
        expect(codeOf(inner)).toBe('23505');
        insert.run(3003, 'outer again');
      })();
      expect(piped.prepare('SELECT id FROM rows WHERE id > 3000 ORDER BY id').pluck().all()).toEqual([3001, 3003]);
    });

    it('loses the whole transaction when its session dies between pipelined writes', () => {
      const killer = open('pipelined');
      const pid = piped.prepare('SELECT pg_backend_pid()').pluck().get();
      const insert = piped.prepare('INSERT INTO rows (id, note) VALUES (?, ?)');
      const work = piped.transaction(() => {
        insert.run(4001, 'before');
        piped.prepare('SELECT 1').get();
        killer.prepare('SELECT pg_terminate_backend(?, 5000)').get(pid);
        insert.run(4002, 'after');
        insert.run(4003, 'after');
      });
      expect(() => work()).toThrow(/connection lost/i);
      expect(piped.inTransaction).toBe(false);
      expect(piped.prepare('SELECT count(*) FROM rows WHERE id > 4000').pluck().get()).toBe(0);
    });

    it('throws an earlier write failure at the savepoint, outside it', () => {
      const insert = piped.prepare('INSERT INTO rows (id, note) VALUES (?, ?)');
      let innerRan = false;
      const work = piped.transaction(() => {
        insert.run(5, 'duplicate');
        piped.transaction(() => {
          innerRan = true;
        })();
      });
      expect(codeOf(work)).toBe('23505');
      expect(innerRan).toBe(false);
      expect(piped.inTransaction).toBe(false);
    });

    it('begins the next transaction on a new session after the previous one lost its session', () => {
      const killer = open('pipelined');
      const pid = piped.prepare('SELECT pg_backend_pid()').pluck().get();
      killer.prepare('SELECT pg_terminate_backend(?, 5000)').get(pid);
      const insert = piped.prepare('INSERT INTO rows (id, note) VALUES (?, ?)');
      const work = piped.transaction(() => insert.run(6001, 'x'));
      // the session was found gone by the pipelined BEGIN (or its first write): this attempt fails
      expect(() => work()).toThrow(/connection lost/i);
      expect(piped.inTransaction).toBe(false);
      work();
      expect(piped.prepare('SELECT count(*) FROM rows WHERE id = 6001').pluck().get()).toBe(1);
    });

    it('waits for each write outside a transaction', () => {
      expect(codeOf(() => piped.prepare('INSERT INTO rows (id, note) VALUES (?, ?)').run(1, 'duplicate'))).toBe('23505');
    });
  });

  it('runs several statements with exec and refuses statements after close', () => {
    const short = openPostgresDatabase(`${cluster.url}?schema=driver`);
    short.exec('CREATE TEMP TABLE scratch (n int); INSERT INTO scratch VALUES (1), (2)');
    expect(short.prepare('SELECT sum(n) FROM scratch').pluck().get()).toBe(2 + 1);
    short.close();
    expect(() => short.prepare('SELECT 1').get()).toThrow(/closed/);
  });
});
