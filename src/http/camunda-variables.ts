import type { Variables } from '../runtime/variables.js';
import { formatDate, parseDate } from './dates.js';
import { HttpError } from './errors.js';

/** One variable as Camunda's REST API writes it: `{"value": 1, "type": "Integer", "valueInfo": {}}`. */
export interface TypedValue {
  value: unknown;
  type: string | null;
  valueInfo: Record<string, unknown>;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

type Converter = (value: unknown, valueInfo: Record<string, unknown>, name: string) => unknown;

const converters: Record<string, Converter> = {
  string: (value, _info, name) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw conversion(value, 'String', name);
  },
  integer: (value, _info, name) => integer(value, 'Integer', name, INT_MIN, INT_MAX),
  long: (value, _info, name) => integer(value, 'Long', name, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  short: (value, _info, name) => integer(value, 'Short', name, -32768, 32767),
  double: (value, _info, name) => {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number === 'number' && Number.isFinite(number)) return number;
    throw conversion(value, 'Double', name);
  },
  boolean: (value, _info, name) => {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw conversion(value, 'Boolean', name);
  },
  date: (value, _info, name) => {
    if (typeof value === 'string') {
      const ms = parseDate(value);
      if (ms !== null) return new Date(ms);
    }
    throw conversion(value, 'Date', name, ` (expected yyyy-MM-dd'T'HH:mm:ss.SSSZ, e.g. 2024-05-01T10:15:00.000+0000)`);
  },
  json: (value, _info, name) => parseJsonValue(value, 'Json', name),
  object: (value, info, name) => {
    const format = info.serializationDataFormat;
    if (format !== undefined && format !== 'application/json') {
      throw new HttpError(400, `Cannot convert value of variable '${name}': serialization data format '${String(format)}' is not supported (use application/json)`);
    }
    return parseJsonValue(value, 'Object', name);
  },
  null: () => null,
};

function integer(value: unknown, type: string, name: string, min: number, max: number): number {
  const number = typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max) return number;
  throw conversion(value, type, name);
}

function parseJsonValue(value: unknown, type: string, name: string): unknown {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      throw conversion(value, type, name, ': the value must be a JSON document in a string');
    }
  }
  if (value === null || typeof value === 'object') return value;
  throw conversion(value, type, name, ': the value must be a JSON document in a string');
}

function conversion(value: unknown, type: string, name: string, hint = ''): HttpError {
  const shown = JSON.stringify(value) ?? String(value);
  return new HttpError(400, `Cannot convert value ${shown.length > 100 ? `${shown.slice(0, 100)}…` : shown} of type ${jsonTypeName(value)} to type ${type} (variable '${name}')${hint}`);
}

function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Camunda type names are case-insensitive in their first letter (`string` = `String`); we accept any case. */
export function fromTypedValue(name: string, typed: unknown): unknown {
  if (typed === null || typeof typed !== 'object' || Array.isArray(typed)) {
    throw new HttpError(400, `Variable '${name}' must be an object like {"value": …, "type": "String"}`);
  }
  const { value, type, valueInfo } = typed as { value?: unknown; type?: unknown; valueInfo?: unknown };
  if (type === undefined || type === null || type === '') return value ?? null;
  if (typeof type !== 'string') throw new HttpError(400, `Variable '${name}': type must be a string`);
  const converter = Object.hasOwn(converters, type.toLowerCase()) ? converters[type.toLowerCase()] : undefined;
  if (!converter) throw new HttpError(400, `Unsupported value type '${type}' (variable '${name}')`);
  const info = valueInfo && typeof valueInfo === 'object' && !Array.isArray(valueInfo) ? (valueInfo as Record<string, unknown>) : {};
  if (value === null || value === undefined) return null;
  return converter(value, info, name);
}

/** `{"name": {"value", "type"}}` → plain JS values for the engine; null or absent → {}. */
export function fromCamundaVariables(variables: unknown): Variables {
  if (variables === undefined || variables === null) return {};
  if (typeof variables !== 'object' || Array.isArray(variables)) throw new HttpError(400, 'variables must be an object mapping names to {"value", "type"}');
  const result: Variables = Object.create(null);
  for (const [name, typed] of Object.entries(variables)) result[name] = fromTypedValue(name, typed);
  return result;
}

/** A JS value → Camunda's typed value: integers are Integer or Long, other numbers Double, objects and arrays Json. */
export function toTypedValue(value: unknown): TypedValue {
  if (value === null || value === undefined) return { type: 'Null', value: null, valueInfo: {} };
  switch (typeof value) {
    case 'string':
      return { type: 'String', value, valueInfo: {} };
    case 'boolean':
      return { type: 'Boolean', value, valueInfo: {} };
    case 'number':
      if (Number.isInteger(value)) return { type: value >= INT_MIN && value <= INT_MAX ? 'Integer' : 'Long', value, valueInfo: {} };
      return { type: 'Double', value, valueInfo: {} };
    case 'object':
      if (value instanceof Date) return { type: 'Date', value: formatDate(value.getTime()), valueInfo: {} };
      return { type: 'Json', value: JSON.stringify(value), valueInfo: {} };
    default:
      return { type: 'String', value: String(value), valueInfo: {} };
  }
}

export function toCamundaVariables(variables: Variables): Record<string, TypedValue> {
  const result: Record<string, TypedValue> = {};
  for (const [name, value] of Object.entries(variables)) result[name] = toTypedValue(value);
  return result;
}

/** A history row's stored variable (`{name, type, value}` in the engine's encoding) → typed value. */
export function storedToTypedValue(type: string, text: string | null): TypedValue {
  switch (type) {
    case 'string':
      return { type: 'String', value: text ?? '', valueInfo: {} };
    case 'number':
      return toTypedValue(Number(text));
    case 'boolean':
      return { type: 'Boolean', value: text === '1' || text === 'true', valueInfo: {} };
    case 'date':
      return { type: 'Date', value: formatDate(Date.parse(text ?? '')), valueInfo: {} };
    case 'json':
      return { type: 'Json', value: text, valueInfo: {} };
    default:
      return { type: 'Null', value: null, valueInfo: {} };
  }
}
