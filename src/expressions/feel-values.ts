/**
 * The boundary between JSON-like engine values and feelin's FEEL values, in both directions.
 * Inbound: functions and class instances never reach FEEL (feelin would call a function it is given).
 * Outbound: FEEL dates become ISO strings (zoned date-times become Dates), functions and ranges are refused.
 */
import { FeelDate, FeelDateTime, FeelDuration, FeelRange, FeelTime, isFunction } from 'feelin';
import { EvaluationFailure } from './evaluation-failure.js';
import { FORBIDDEN_PROPERTIES, MAX_STRING_LENGTH, MAX_VALUE_DEPTH } from './limits.js';
import { isPlainObject } from './juel-values.js';

type Variables = Readonly<Record<string, unknown>>;

/** The variables as FEEL may see them: the same object when already clean (the common case), else a cleaned copy. */
export function toFeelContext(variables: Variables): Record<string, unknown> {
  let clean = true;
  for (const key in variables) {
    if (Object.hasOwn(variables, key) && !isClean(variables[key], 0, key)) {
      clean = false;
      break;
    }
  }
  if (clean) return variables as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key in variables) if (Object.hasOwn(variables, key)) define(copy, key, cleaned(variables[key]));
  return copy;
}

function isClean(value: unknown, depth: number, name: string): boolean {
  if (depth > MAX_VALUE_DEPTH) throw new EvaluationFailure(`Variable '${name}' is nested deeper than ${MAX_VALUE_DEPTH} levels`, name);
  if (typeof value === 'function') return false;
  if (typeof value !== 'object' || value === null || value instanceof Date) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!isClean(item, depth + 1, name)) return false;
    return true;
  }
  if (!isPlainObject(value)) return false;
  for (const key in value) if (Object.hasOwn(value, key) && !isClean(value[key], depth + 1, name)) return false;
  return true;
}

/** Functions and non-plain objects (other than arrays and Dates) read as null. */
function cleaned(value: unknown): unknown {
  if (typeof value === 'function') return null;
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(cleaned);
  if (!isPlainObject(value)) return null;
  const copy: Record<string, unknown> = {};
  for (const key in value) if (Object.hasOwn(value, key)) define(copy, key, cleaned(value[key]));
  return copy;
}

/** Own data property, even for the key `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (FORBIDDEN_PROPERTIES.has(key)) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A FEEL result as a JSON-like value. */
export function fromFeel(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'string':
      if (value.length > MAX_STRING_LENGTH) throw new EvaluationFailure(`String result longer than ${MAX_STRING_LENGTH} characters`);
      return value;
    case 'boolean':
      return value;
    case 'function':
      throw new EvaluationFailure('Result is a function, which is not a value');
    case 'object':
      break;
    default:
      throw new EvaluationFailure(`Result of type ${typeof value} is not supported`);
  }
  if (depth > MAX_VALUE_DEPTH) throw new EvaluationFailure(`Result is nested deeper than ${MAX_VALUE_DEPTH} levels`);
  if (isFunction(value)) throw new EvaluationFailure('Result is a function, which is not a value');
  if (value instanceof FeelRange) throw new EvaluationFailure('Result is a range, which is not a value');
  if (value instanceof FeelDateTime) {
    if (value.zone !== null) {
      const date = new Date(value.iso);
      if (!Number.isNaN(date.getTime())) return date;
    }
    return value.toJSON();
  }
  if (value instanceof FeelDate || value instanceof FeelTime || value instanceof FeelDuration) return value.toJSON();
  if (value instanceof Date) return value;
  // Array.from, not map: a metered list's map would make another metered list (feel-metered.ts)
  if (Array.isArray(value)) return Array.from(value, (item) => fromFeel(item, depth + 1));
  // FEEL contexts: copy own enumerable keys only (a context may carry a replaced prototype).
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) define(copy, key, fromFeel((value as Record<string, unknown>)[key], depth + 1));
  return copy;
}
