/**
 * Translates the SQLite SQL the stores write into PostgreSQL's dialect, mechanically:
 * - `?` (and SQLite's `?NNN`) become `$1..$n`; named parameters (`@name`, `:name`, `$name`)
 *   become `$n` numbered in order of first appearance, `paramNames` giving that order;
 * - `INSERT OR IGNORE INTO …` becomes `INSERT INTO … ON CONFLICT DO NOTHING`;
 * - `ifnull(` becomes `coalesce(`;
 * - `LIKE` becomes `ILIKE` (SQLite's LIKE ignores ASCII case, PostgreSQL's does not);
 * - SQLite's scalar `max(a, b)` / `min(a, b)` become `greatest` / `least`, NULL when any
 *   argument is NULL as in SQLite (PostgreSQL's ignore NULLs);
 * - aliases with capitals (`AS instanceId`) are quoted, since PostgreSQL folds unquoted names to
 *   lower case and the stores read rows by their camelCase keys.
 * Nothing is touched inside '…' literals, "…" identifiers or comments. Statements that need more
 * than this (json_extract, AUTOINCREMENT, DDL, upserts) get a dialect branch in their store.
 * SQL that is PostgreSQL already passes through: `$1`, `::type` casts and `@>` are left alone.
 */

export interface PostgresStatement {
  /** the statement in PostgreSQL's dialect, parameters as `$1..$n` */
  text: string;
  /** for named parameters: the name bound to `$i` is `paramNames[i - 1]` */
  paramNames?: string[];
  /** how many values the statement takes */
  paramCount: number;
}

type Segment = { kind: 'code' | 'literal'; text: string };

const cache = new Map<string, PostgresStatement>();
const CACHE_LIMIT = 10_000;

/** The PostgreSQL form of `sql` (cached: the stores prepare the same few hundred statements). */
export function toPostgres(sql: string): PostgresStatement {
  let translated = cache.get(sql);
  if (translated === undefined) {
    translated = translate(sql);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(sql, translated);
  }
  return translated;
}

function translate(sql: string): PostgresStatement {
  const segments = split(sql);
  const names: string[] = [];
  let positional = 0;
  let highestNumbered = 0;
  const parameter = (match: string, numbered: string | undefined, name: string | undefined): string => {
    if (name !== undefined) {
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      return `$${index + 1}`;
    }
    if (numbered !== undefined && numbered !== '') {
      highestNumbered = Math.max(highestNumbered, Number(numbered));
      return `$${numbered}`;
    }
    positional += 1;
    return `$${positional}`;
  };
  let ignoreConflicts = false;
  for (const segment of segments) {
    if (segment.kind !== 'code') continue;
    let text = segment.text.replace(PARAMETER, parameter);
    text = text.replace(INSERT_OR_IGNORE, () => {
      ignoreConflicts = true;
      return 'INSERT INTO';
    });
    text = text.replace(IFNULL, 'coalesce(');
    text = text.replace(LIKE, (like: string) => (like === 'like' ? 'ilike' : 'ILIKE'));
    segment.text = scalarMinMax(text);
  }
  quoteCamelAliases(segments);
  if (names.length > 0 && (positional > 0 || highestNumbered > 0)) {
    throw new Error(`A statement mixes named and positional parameters, which PostgreSQL cannot bind: ${sql}`);
  }
  if (positional > 0 && highestNumbered > 0) {
    throw new Error(`A statement mixes ? and ?NNN parameters: ${sql}`);
  }
  if (ignoreConflicts) appendOnConflict(segments);
  const text = segments.map((s) => s.text).join('');
  const existing = highestDollar(segments);
  if (names.length > 0) return { text, paramNames: names, paramCount: names.length };
  return { text, paramCount: Math.max(positional, highestNumbered, existing) };
}

/** `?`, `?NNN`, or a named parameter not preceded by a word character or `:` (so `x::int` is a cast). */
const PARAMETER = /\?(\d*)|(?<![\w:$])[@:$]([A-Za-z_]\w*)/g;
const INSERT_OR_IGNORE = /\bINSERT\s+OR\s+IGNORE\s+INTO\b/gi;
const IFNULL = /\bifnull\s*\(/gi;
const LIKE = /(?<![\w$])like\b/gi;
const CAMEL_ALIAS = /(\b[Aa][Ss]\s+)([a-z_][a-z0-9_]*[A-Z]\w*)\b/g;
const RETURNING = /\bRETURNING\b/i;

const MIN_MAX = /(?<![\w$.])(max|min)\s*\(/gi;

/**
 * `max(a, b, …)` with more than one argument is SQLite's scalar function: PostgreSQL's
 * `greatest(…)`, guarded to give NULL when any argument is NULL. Calls whose arguments hold a
 * literal (split across segments) are left alone.
 */
function scalarMinMax(code: string): string {
  let out = '';
  let from = 0;
  for (const match of code.matchAll(MIN_MAX)) {
    if (match.index < from) continue;
    const open = match.index + match[0].length;
    const args = topLevelArguments(code, open);
    if (args === undefined || args.list.length < 2) continue;
    const inner = args.list.map((arg) => scalarMinMax(arg.trim()));
    const fn = match[1]!.toLowerCase() === 'max' ? 'greatest' : 'least';
    const anyNull = inner.map((arg) => `(${arg}) IS NULL`).join(' OR ');
    out += `${code.slice(from, match.index)}(CASE WHEN ${anyNull} THEN NULL ELSE ${fn}(${inner.join(', ')}) END)`;
    from = args.end + 1;
  }
  return out + code.slice(from);
}

/** The comma-separated arguments of the call whose `(` ends just before `start`, and its `)`. */
function topLevelArguments(code: string, start: number): { list: string[]; end: number } | undefined {
  const list: string[] = [];
  let depth = 0;
  let argStart = start;
  for (let i = start; i < code.length; i += 1) {
    const c = code[i];
    if (c === '(') depth += 1;
    else if (c === ')') {
      if (depth === 0) {
        list.push(code.slice(argStart, i));
        return { list, end: i };
      }
      depth -= 1;
    } else if (c === ',' && depth === 0) {
      list.push(code.slice(argStart, i));
      argStart = i + 1;
    }
  }
  return undefined;
}

/**
 * Quotes every camelCase name the statement defines with AS, wherever it appears (the alias
 * itself, ORDER BY instanceId, sub.instanceId), so PostgreSQL keeps its case.
 */
function quoteCamelAliases(segments: Segment[]): void {
  const aliases = new Set<string>();
  for (const segment of segments) {
    if (segment.kind !== 'code') continue;
    for (const match of segment.text.matchAll(CAMEL_ALIAS)) aliases.add(match[2]!);
  }
  if (aliases.size === 0) return;
  const names = new RegExp(`(?<![\\w$])(${[...aliases].join('|')})\\b(?!\\s*\\()`, 'g');
  for (const segment of segments) {
    if (segment.kind === 'code') segment.text = segment.text.replace(names, '"$1"');
  }
}

/** `ON CONFLICT DO NOTHING` goes at the end of the INSERT, before a RETURNING clause if any. */
function appendOnConflict(segments: Segment[]): void {
  for (const segment of segments) {
    if (segment.kind !== 'code') continue;
    const at = segment.text.search(RETURNING);
    if (at >= 0) {
      segment.text = `${segment.text.slice(0, at)}ON CONFLICT DO NOTHING ${segment.text.slice(at)}`;
      return;
    }
  }
  const last = segments[segments.length - 1];
  if (last && last.kind === 'code') {
    const body = last.text.replace(/[\s;]+$/, '');
    last.text = `${body} ON CONFLICT DO NOTHING${last.text.slice(body.length)}`;
  } else {
    segments.push({ kind: 'code', text: ' ON CONFLICT DO NOTHING' });
  }
}

/** The highest `$n` written directly in the SQL (statements already in PostgreSQL's dialect). */
function highestDollar(segments: Segment[]): number {
  let highest = 0;
  for (const segment of segments) {
    if (segment.kind !== 'code') continue;
    for (const match of segment.text.matchAll(/(?<![\w$])\$(\d+)/g)) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

/** Cuts the SQL into code and the parts never to be rewritten: literals, quoted names, comments. */
function split(sql: string): Segment[] {
  const segments: Segment[] = [];
  let code = '';
  let i = 0;
  const flushCode = () => {
    if (code !== '') segments.push({ kind: 'code', text: code });
    code = '';
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    let end: number;
    if (c === "'" || c === '"' || c === '`') {
      end = closingQuote(sql, i, c);
    } else if (c === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      end = newline < 0 ? sql.length : newline;
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      end = close < 0 ? sql.length : close + 2;
    } else {
      code += c;
      i += 1;
      continue;
    }
    flushCode();
    let literal = sql.slice(i, end);
    if (c === '`') literal = `"${literal.slice(1, -1).replace(/"/g, '""')}"`;
    segments.push({ kind: 'literal', text: literal });
    i = end;
  }
  flushCode();
  return segments;
}

/** The index just past the quote closing the one at `start` (a doubled quote stays inside). */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  for (;;) {
    const at = sql.indexOf(quote, i);
    if (at < 0) throw new Error(`Unterminated ${quote} in SQL: ${sql}`);
    if (sql[at + 1] === quote) {
      i = at + 2;
      continue;
    }
    return at + 1;
  }
}
