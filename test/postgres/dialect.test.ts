import { describe, expect, it } from 'vitest';
import { toPostgres } from '../../src/store/postgres/dialect.js';

describe('toPostgres: parameters', () => {
  it('numbers ? placeholders in order', () => {
    expect(toPostgres('SELECT * FROM t WHERE a = ? AND b > ? LIMIT ?')).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b > $2 LIMIT $3',
      paramCount: 3,
    });
  });

  it('leaves ? inside string literals, quoted names and comments alone', () => {
    const { text, paramCount } = toPostgres(`SELECT '?', "a?b", 'it''s ?' -- what?\n, x /* ? */ FROM t WHERE y = ?`);
    expect(text).toBe(`SELECT '?', "a?b", 'it''s ?' -- what?\n, x /* ? */ FROM t WHERE y = $1`);
    expect(paramCount).toBe(1);
  });

  it('keeps SQLite numbered ?NNN parameters as $NNN', () => {
    expect(toPostgres('SELECT ?2, ?1, ?2')).toEqual({ text: 'SELECT $2, $1, $2', paramCount: 2 });
  });

  it('turns @name, :name and $name into $n in order of first appearance', () => {
    expect(toPostgres('INSERT INTO t (a, b, c) VALUES (@id, :name, $version) ON CONFLICT (a) DO UPDATE SET b = @name')).toEqual({
      text: 'INSERT INTO t (a, b, c) VALUES ($1, $2, $3) ON CONFLICT (a) DO UPDATE SET b = $2',
      paramNames: ['id', 'name', 'version'],
      paramCount: 3,
    });
  });

  it('does not take casts, jsonb operators or existing $n for parameters', () => {
    expect(toPostgres(`SELECT x::int8, y::text FROM t WHERE d @> '{}'::jsonb AND id = $1 AND n = $2`)).toEqual({
      text: `SELECT x::int8, y::text FROM t WHERE d @> '{}'::jsonb AND id = $1 AND n = $2`,
      paramCount: 2,
    });
  });

  it('refuses a statement mixing named and positional parameters', () => {
    expect(() => toPostgres('SELECT * FROM t WHERE a = ? AND b = @b')).toThrow(/mixes named and positional/);
  });

  it('reports an unterminated literal', () => {
    expect(() => toPostgres("SELECT 'oops")).toThrow(/Unterminated/);
  });
});

describe('toPostgres: SQLite constructs', () => {
  it('turns INSERT OR IGNORE into ON CONFLICT DO NOTHING at the end', () => {
    expect(toPostgres('INSERT OR IGNORE INTO c8_keys (id) VALUES (?)').text).toBe('INSERT INTO c8_keys (id) VALUES ($1) ON CONFLICT DO NOTHING');
    expect(toPostgres('insert or ignore into t (a, b)\n  VALUES (?, ?);\n').text).toBe('INSERT INTO t (a, b)\n  VALUES ($1, $2) ON CONFLICT DO NOTHING;\n');
  });

  it('puts ON CONFLICT DO NOTHING before RETURNING, and after a trailing literal', () => {
    expect(toPostgres('INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING a').text).toBe('INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING RETURNING a');
    expect(toPostgres(`INSERT OR IGNORE INTO t (a) SELECT 'x'`).text).toBe(`INSERT INTO t (a) SELECT 'x' ON CONFLICT DO NOTHING`);
  });

  it('does not touch OR IGNORE written inside a literal', () => {
    expect(toPostgres(`INSERT INTO t (a) VALUES ('INSERT OR IGNORE INTO')`).text).toBe(`INSERT INTO t (a) VALUES ('INSERT OR IGNORE INTO')`);
  });

  it('turns ifnull( into coalesce( in any case', () => {
    expect(toPostgres(`SELECT IFNULL(max(seq), 0) AS seq FROM s WHERE ifnull (tenant_id, '') = ?`).text).toBe(
      `SELECT coalesce(max(seq), 0) AS seq FROM s WHERE coalesce(tenant_id, '') = $1`,
    );
    expect(toPostgres(`SELECT myifnull(a) FROM t`).text).toBe('SELECT myifnull(a) FROM t');
  });

  it('turns LIKE into ILIKE, keeping NOT and ESCAPE', () => {
    expect(toPostgres(`SELECT * FROM t WHERE name LIKE ? ESCAPE '\\' AND key NOT LIKE 'a%' AND x like ?`).text).toBe(
      `SELECT * FROM t WHERE name ILIKE $1 ESCAPE '\\' AND key NOT ILIKE 'a%' AND x ilike $2`,
    );
    expect(toPostgres(`SELECT unlike, liked, 'LIKE' FROM t`).text).toBe(`SELECT unlike, liked, 'LIKE' FROM t`);
  });

  it("turns SQLite's scalar max/min into greatest/least, NULL when an argument is NULL", () => {
    expect(toPostgres('SELECT max(due_at, lock_expires_at) AS at, max(seq) FROM jobs').text).toBe(
      'SELECT (CASE WHEN (due_at) IS NULL OR (lock_expires_at) IS NULL THEN NULL ELSE greatest(due_at, lock_expires_at) END) AS at, max(seq) FROM jobs',
    );
    expect(toPostgres('SELECT MIN(a, coalesce(b, ?), c) FROM t').text).toBe(
      'SELECT (CASE WHEN (a) IS NULL OR (coalesce(b, $1)) IS NULL OR (c) IS NULL THEN NULL ELSE least(a, coalesce(b, $1), c) END) FROM t',
    );
    expect(toPostgres('SELECT max(min(a, b), c) FROM t').text).toBe(
      'SELECT (CASE WHEN ((CASE WHEN (a) IS NULL OR (b) IS NULL THEN NULL ELSE least(a, b) END)) IS NULL OR (c) IS NULL THEN NULL ELSE greatest((CASE WHEN (a) IS NULL OR (b) IS NULL THEN NULL ELSE least(a, b) END), c) END) FROM t',
    );
    expect(toPostgres('SELECT t.max(a, b), max (x) FROM t').text).toBe('SELECT t.max(a, b), max (x) FROM t');
  });

  it('quotes camelCase aliases and leaves the rest', () => {
    expect(toPostgres('SELECT i.id AS instanceId, e.element_id as elementId, count(*) AS n, CAST(x AS INTEGER) FROM i').text).toBe(
      'SELECT i.id AS "instanceId", e.element_id as "elementId", count(*) AS n, CAST(x AS INTEGER) FROM i',
    );
    expect(toPostgres('SELECT a AS "alreadyQuoted" FROM t').text).toBe('SELECT a AS "alreadyQuoted" FROM t');
  });

  it('quotes a camelCase alias wherever the statement uses it', () => {
    expect(toPostgres('SELECT sub.instanceId FROM (SELECT id AS instanceId FROM i WHERE x = @instanceId) AS sub ORDER BY instanceId, instanceIdSuffix')).toEqual({
      text: 'SELECT sub."instanceId" FROM (SELECT id AS "instanceId" FROM i WHERE x = $1) AS sub ORDER BY "instanceId", instanceIdSuffix',
      paramNames: ['instanceId'],
      paramCount: 1,
    });
  });

  it('turns backquoted names into double-quoted ones', () => {
    expect(toPostgres('SELECT `key` FROM t').text).toBe('SELECT "key" FROM t');
  });

  it('returns the same translation object for the same SQL (cached)', () => {
    const sql = 'SELECT * FROM cache_probe WHERE id = ?';
    expect(toPostgres(sql)).toBe(toPostgres(sql));
  });

  it('translates the statements the stores actually write', () => {
    expect(toPostgres(`UPDATE jobs SET lock_owner = NULL, lock_expires_at = NULL WHERE lock_owner LIKE 'engine:%'`).text).toBe(
      `UPDATE jobs SET lock_owner = NULL, lock_expires_at = NULL WHERE lock_owner ILIKE 'engine:%'`,
    );
    expect(
      toPostgres(`INSERT INTO definitions (id, key, version) VALUES (@id, @key, @version)`),
    ).toEqual({ text: 'INSERT INTO definitions (id, key, version) VALUES ($1, $2, $3)', paramNames: ['id', 'key', 'version'], paramCount: 3 });
  });
});
