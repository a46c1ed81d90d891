/**
 * JUEL's value semantics on JSON-like JavaScript values: coercions, equality, ordering, `empty`.
 * Every failure is an EvaluationFailure; nothing here calls a function found in the data.
 */
import { EvaluationFailure } from './evaluation-failure.js';
import { MAX_STRING_LENGTH, MAX_VALUE_DEPTH } from './limits.js';
import { typeName } from './messages.js';

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Objects whose properties expressions may read: `{...}` literals, JSON objects, `Object.create(null)`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Arithmetic operand: numbers, numeric strings, and null as 0 (JUEL coercion rules). */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  if (typeof value === 'string') throw new EvaluationFailure(`Cannot convert string '${shorten(value)}' to a number`);
  throw new EvaluationFailure(`Cannot convert ${typeName(value)} to a number`);
}

/** A finite arithmetic result, or a failure: Infinity and NaN are not JSON values. */
export function finite(value: number): number {
  if (Number.isFinite(value)) return value;
  throw new EvaluationFailure('Numeric overflow');
}

/** Operand of `&&`, `||`, `!`, `?:`: booleans, null as false, the strings 'true'/'false'. */
export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false' || lower === '') return false;
    throw new EvaluationFailure(`Cannot convert string '${shorten(value)}' to a boolean`);
  }
  throw new EvaluationFailure(`Cannot convert ${typeName(value)} to a boolean`);
}

/** Text of a value in templates and string concatenation: null is '', dates are ISO 8601, structures JSON. */
export function toText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return '';
    case 'object': {
      if (value === null) return '';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      let json: string | undefined;
      try {
        json = JSON.stringify(value);
      } catch {
        throw new EvaluationFailure(`Cannot convert ${typeName(value)} to a string`);
      }
      return checkLength(json ?? '');
    }
    default:
      throw new EvaluationFailure(`Cannot convert ${typeName(value)} to a string`);
  }
}

/** Strings produced by expressions stay below MAX_STRING_LENGTH. */
export function checkLength(text: string): string {
  if (text.length > MAX_STRING_LENGTH) {
    throw new EvaluationFailure(`String result longer than ${MAX_STRING_LENGTH} characters`);
  }
  return text;
}

/** `+` when either side is a string. */
export function concat(left: unknown, right: unknown): string {
  const a = toText(left);
  const b = toText(right);
  if (a.length + b.length > MAX_STRING_LENGTH) {
    throw new EvaluationFailure(`String result longer than ${MAX_STRING_LENGTH} characters`);
  }
  return a + b;
}

/** `empty x`: null, undefined, '', [] and {} are empty. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.length === 0;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) {
    for (const key in value) if (Object.hasOwn(value, key)) return false;
    return true;
  }
  return false;
}

function dateTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return time;
    throw new EvaluationFailure(`Cannot compare a date with the string '${shorten(value)}'`);
  }
  throw new EvaluationFailure(`Cannot compare a date with ${typeName(value)}`);
}

/** `==`: by value for numbers, strings, booleans, null and dates (by time); structurally for arrays and objects. */
export function looseEquals(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  const ta = typeof a;
  const tb = typeof b;
  if (a instanceof Date || b instanceof Date) {
    if ((a instanceof Date || ta === 'string' || ta === 'number') && (b instanceof Date || tb === 'string' || tb === 'number')) {
      const x = a instanceof Date ? a.getTime() : ta === 'string' ? Date.parse(a as string) : (a as number);
      const y = b instanceof Date ? b.getTime() : tb === 'string' ? Date.parse(b as string) : (b as number);
      return x === y;
    }
    return false;
  }
  if (ta === 'number' && tb === 'string') return NUMERIC.test(b as string) && Number(b) === a;
  if (ta === 'string' && tb === 'number') return NUMERIC.test(a as string) && Number(a) === b;
  if (ta === 'boolean' && tb === 'string') return String(a) === (b as string).toLowerCase();
  if (ta === 'string' && tb === 'boolean') return (a as string).toLowerCase() === String(b);
  if (ta !== 'object' || tb !== 'object') return false;
  if (depth >= MAX_VALUE_DEPTH) throw new EvaluationFailure(`Values nested deeper than ${MAX_VALUE_DEPTH} levels cannot be compared`);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!looseEquals(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) {
      if (!Object.hasOwn(b, key) || !looseEquals(a[key], b[key], depth + 1)) return false;
    }
    return true;
  }
  return false;
}

/**
 * Ordering for `<`, `>`, `<=`, `>=`: negative, zero or positive; null when either side is null
 * (the comparison is then false, as in JUEL).
 */
export function compareValues(a: unknown, b: unknown): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a instanceof Date) return a.getTime() - dateTime(b);
  if (b instanceof Date) return dateTime(a) - b.getTime();
  if (typeof a === 'number' || typeof b === 'number') return toNumber(a) - toNumber(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new EvaluationFailure(`Cannot compare ${typeName(a)} with ${typeName(b)}`);
}

export function shorten(text: string): string {
  return text.length > 40 ? text.slice(0, 40) + '…' : text;
}
