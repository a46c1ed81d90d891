/**
 * Variable values as the engine stores them: JSON-typed (string, number, boolean, null,
 * object/array) plus Date. Anything else (functions, undefined, NaN, BigInt, cycles) is refused
 * at the door with the variable's name, so nothing unstorable ever reaches a transaction.
 */
export type VariableType = 'string' | 'number' | 'boolean' | 'null' | 'json' | 'date';

export type Variables = Record<string, unknown>;

export class VariableError extends Error {
  constructor(message: string, readonly variable: string) {
    super(message);
    this.name = 'VariableError';
  }
}

export interface EncodedValue {
  type: VariableType;
  text: string | null;
}

const MAX_NAME_LENGTH = 255;
const MAX_DEPTH = 64;

export function encodeValue(name: string, value: unknown): EncodedValue {
  if (value === null || value === undefined) return { type: 'null', text: null };
  switch (typeof value) {
    case 'string':
      return { type: 'string', text: value };
    case 'boolean':
      return { type: 'boolean', text: value ? '1' : '0' };
    case 'number':
      if (!Number.isFinite(value)) throw new VariableError(`Variable '${name}' is ${value}; only finite numbers can be stored`, name);
      return { type: 'number', text: String(value) };
    case 'object':
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new VariableError(`Variable '${name}' is an invalid Date`, name);
        return { type: 'date', text: value.toISOString() };
      }
      checkJson(name, value, 0, new Set());
      return { type: 'json', text: JSON.stringify(value) };
    default:
      throw new VariableError(`Variable '${name}' has type ${typeof value}, which cannot be stored (use string, number, boolean, null, object, array or Date)`, name);
  }
}

export function decodeValue(type: string, text: string | null): unknown {
  switch (type) {
    case 'string':
      return text ?? '';
    case 'number':
      return Number(text);
    case 'boolean':
      return text === '1';
    case 'date':
      return new Date(text ?? 0);
    case 'json':
      return text === null ? null : JSON.parse(text);
    default:
      return null;
  }
}

export function checkVariableName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new VariableError(`Invalid variable name '${String(name).slice(0, 40)}': names are 1 to ${MAX_NAME_LENGTH} characters`, String(name));
  }
}

/** Validates a whole set of variables as given to the engine's API. */
export function checkVariables(variables: unknown): Variables {
  if (variables === undefined || variables === null) return {};
  if (typeof variables !== 'object' || Array.isArray(variables)) {
    throw new VariableError('Variables must be an object mapping names to values', '');
  }
  for (const [name, value] of Object.entries(variables)) {
    checkVariableName(name);
    encodeValue(name, value);
  }
  return variables as Variables;
}

function checkJson(name: string, value: unknown, depth: number, seen: Set<object>): void {
  if (value === null) return;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new VariableError(`Variable '${name}' contains ${value}; only finite numbers can be stored`, name);
      return;
    case 'object': {
      if (depth > MAX_DEPTH) throw new VariableError(`Variable '${name}' is nested more than ${MAX_DEPTH} levels deep`, name);
      if (value instanceof Date) return;
      if (seen.has(value)) throw new VariableError(`Variable '${name}' contains a cycle`, name);
      seen.add(value);
      for (const item of Array.isArray(value) ? value : Object.values(value)) checkJson(name, item, depth + 1, seen);
      seen.delete(value);
      return;
    }
    default:
      throw new VariableError(`Variable '${name}' contains a ${typeof value}, which cannot be stored`, name);
  }
}
