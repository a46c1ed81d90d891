import { BadRequestError } from '../../runtime/errors.js';

/**
 * The v2 search request (`filter`, `sort`, `page`) applied to rows already shaped as v2 items.
 * Filters take a plain value (equality) or an operator object; unknown fields and operators are
 * refused with 400 rather than ignored (ignoring them would widen the answer silently).
 */
export interface SearchPage<T> {
  items: T[];
  page: { totalItems: number; hasMoreTotalItems: boolean; startCursor: string | null; endCursor: string | null };
}

type Item = Record<string, unknown>;

const OPERATORS = new Set(['$eq', '$neq', '$in', '$notIn', '$exists', '$like', '$gt', '$gte', '$lt', '$lte']);
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

/** The filter object of a search body, checked against the fields this resource can filter on. */
export function filterOf(body: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const filter = body.filter;
  if (filter === undefined || filter === null) return {};
  if (typeof filter !== 'object' || Array.isArray(filter)) throw new BadRequestError('filter must be a JSON object');
  for (const [name, value] of Object.entries(filter)) {
    if (!fields.includes(name)) throw new BadRequestError(`filter field '${name}' is not supported here; supported: ${fields.join(', ')}`);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const op of Object.keys(value)) {
        if (!OPERATORS.has(op)) throw new BadRequestError(`filter operator '${op}' on '${name}' is not supported; supported: ${[...OPERATORS].join(', ')}`);
      }
    }
  }
  return filter as Record<string, unknown>;
}

/** The plain value(s) a filter asks a field to equal, for pushing a selective filter down to the store. */
export function equalsOf(condition: unknown): unknown[] | undefined {
  if (condition === undefined) return undefined;
  if (condition === null || typeof condition !== 'object') return [condition];
  const ops = condition as Record<string, unknown>;
  if ('$eq' in ops) return [ops.$eq];
  if (Array.isArray(ops.$in)) return ops.$in;
  return undefined;
}

export function search<T extends Item>(rows: T[], body: Record<string, unknown>, filterFields: readonly string[], sortFields: readonly string[]): SearchPage<T> {
  const filter = filterOf(body, filterFields);
  const sort = sortOf(body, sortFields);
  const { from, limit } = pageOf(body);
  const matching = rows.filter((row) => Object.entries(filter).every(([name, condition]) => matches(row[name], condition)));
  if (sort.length > 0) {
    matching.sort((a, b) => {
      for (const { field, descending } of sort) {
        const order = compare(a[field], b[field]);
        if (order !== 0) return descending ? -order : order;
      }
      return 0;
    });
  }
  return {
    items: matching.slice(from, from + limit),
    page: { totalItems: matching.length, hasMoreTotalItems: false, startCursor: null, endCursor: null },
  };
}

function sortOf(body: Record<string, unknown>, fields: readonly string[]): Array<{ field: string; descending: boolean }> {
  const sort = body.sort;
  if (sort === undefined || sort === null) return [];
  if (!Array.isArray(sort)) throw new BadRequestError('sort must be an array of {field, order}');
  return sort.map((entry: unknown) => {
    const { field, order } = (entry ?? {}) as { field?: unknown; order?: unknown };
    if (typeof field !== 'string' || !fields.includes(field)) throw new BadRequestError(`sort field '${String(field)}' is not supported here; supported: ${fields.join(', ')}`);
    // the spec says ASC/DESC, SDK 8.8 sends lower case: either is accepted
    const normalized = order === undefined || order === null ? 'asc' : typeof order === 'string' ? order.toLowerCase() : '';
    if (normalized !== 'asc' && normalized !== 'desc') throw new BadRequestError(`sort order '${String(order)}' must be ASC or DESC`);
    return { field, descending: normalized === 'desc' };
  });
}

function pageOf(body: Record<string, unknown>): { from: number; limit: number } {
  const page = body.page;
  if (page === undefined || page === null) return { from: 0, limit: DEFAULT_LIMIT };
  if (typeof page !== 'object' || Array.isArray(page)) throw new BadRequestError('page must be a JSON object');
  const { from, limit, after, before } = page as Record<string, unknown>;
  if (after !== undefined || before !== undefined) throw new BadRequestError('cursor paging (page.after, page.before) is not supported: use page.from and page.limit');
  const f = from === undefined ? 0 : from;
  const l = limit === undefined ? DEFAULT_LIMIT : limit;
  if (typeof f !== 'number' || !Number.isInteger(f) || f < 0) throw new BadRequestError('page.from must be an integer of at least 0');
  if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l > MAX_LIMIT) throw new BadRequestError(`page.limit must be an integer from 0 to ${MAX_LIMIT}`);
  return { from: f, limit: l };
}

function matches(value: unknown, condition: unknown): boolean {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return same(value, condition);
  return Object.entries(condition as Record<string, unknown>).every(([op, operand]) => {
    switch (op) {
      case '$eq':
        return same(value, operand);
      case '$neq':
        return !same(value, operand);
      case '$in':
        return listOf(op, operand).some((o) => same(value, o));
      case '$notIn':
        return !listOf(op, operand).some((o) => same(value, o));
      case '$exists':
        return (value !== null && value !== undefined) === Boolean(operand);
      case '$like':
        return typeof value === 'string' && typeof operand === 'string' && likeRegExp(operand).test(value);
      case '$gt':
        return value !== null && value !== undefined && compare(value, operand) > 0;
      case '$gte':
        return value !== null && value !== undefined && compare(value, operand) >= 0;
      case '$lt':
        return value !== null && value !== undefined && compare(value, operand) < 0;
      case '$lte':
        return value !== null && value !== undefined && compare(value, operand) <= 0;
      default:
        return false;
    }
  });
}

function listOf(op: string, operand: unknown): unknown[] {
  if (!Array.isArray(operand)) throw new BadRequestError(`${op} needs an array`);
  return operand;
}

/** Keys are digit strings but clients may send numbers: compare such pairs as text. */
function same(value: unknown, operand: unknown): boolean {
  if (typeof value === 'string' && typeof operand === 'number') return value === String(operand);
  return value === operand;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  // int64 keys: longer digit strings are larger numbers
  if (typeof a === 'string' && typeof b === 'string' && /^[0-9]+$/.test(a) && /^[0-9]+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Camunda's `$like`: `*` any run of characters, `?` one character. */
function likeRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 's');
}
