/**
 * DMN type references (`typeRef` on inputs, outputs and literal expressions) and the coercion a
 * value goes through on its way in or out, as Camunda's type transformers do: numbers and
 * numeric strings become numbers, "true"/"false" become booleans, anything scalar becomes a
 * string for `string`, null stays null. A value that cannot be coerced is an error, not a guess.
 */

/** Camunda 7's names, FEEL's names (Camunda 8) and DMN's; compared case-insensitively. */
const KNOWN = new Set([
  'string', 'boolean', 'integer', 'long', 'double', 'number',
  'date', 'time', 'datetime', 'date and time', 'dayTimeDuration'.toLowerCase(), 'yearMonthDuration'.toLowerCase(), 'duration',
  'any', 'context', 'list',
]);

export function isKnownTypeRef(typeRef: string): boolean {
  return KNOWN.has(typeRef.toLowerCase());
}

export const KNOWN_TYPE_REFS = 'string, boolean, integer, long, double, number, date, time, dateTime, dayTimeDuration, yearMonthDuration, Any, context, list';

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

/** Thrown by `coerce`; the caller adds which clause it was. */
export class CoercionError extends Error {}

/** `value` as a value of `typeRef` (undefined typeRef: unchanged). */
export function coerce(value: unknown, typeRef: string | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (typeRef === undefined) return value;
  switch (typeRef.toLowerCase()) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      if (value instanceof Date) return value.toISOString();
      throw invalid(value, typeRef);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw invalid(value, typeRef);
    case 'integer':
      return integral(value, typeRef, INT32_MIN, INT32_MAX);
    case 'long':
      return integral(value, typeRef, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'double':
    case 'number':
      return numeric(value, typeRef);
    case 'date':
    case 'datetime':
    case 'date and time':
      if (value instanceof Date) return value;
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
      throw invalid(value, typeRef);
    default:
      return value;
  }
}

function numeric(value: unknown, typeRef: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw invalid(value, typeRef);
}

function integral(value: unknown, typeRef: string, min: number, max: number): number {
  const number = numeric(value, typeRef);
  if (!Number.isInteger(number) || number < min || number > max) throw invalid(value, typeRef);
  return number;
}

function invalid(value: unknown, typeRef: string): CoercionError {
  const shown = typeof value === 'string' ? `'${value}'` : value instanceof Date ? value.toISOString() : JSON.stringify(value) ?? String(value);
  return new CoercionError(`value ${shown.length > 100 ? shown.slice(0, 100) + '…' : shown} is not of type '${typeRef}'`);
}
