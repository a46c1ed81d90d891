import { describe, expect, it } from 'vitest';
import { fromCamundaVariables, fromTypedValue, toCamundaVariables, toTypedValue } from '../../src/http/camunda-variables.js';
import { formatDate, parseDate } from '../../src/http/dates.js';
import { HttpError } from '../../src/http/errors.js';

describe('Camunda typed values ↔ JS', () => {
  it('reads every supported type (type names in any case) and untyped values', () => {
    const vars = fromCamundaVariables({
      s: { value: 'x', type: 'String' },
      i: { value: 5, type: 'Integer' },
      is: { value: '6', type: 'integer' },
      l: { value: 2 ** 40, type: 'Long' },
      sh: { value: -3, type: 'Short' },
      d: { value: 0.5, type: 'Double' },
      b: { value: false, type: 'Boolean' },
      dt: { value: '2024-05-01T10:15:00.000+0200', type: 'Date' },
      j: { value: '{"a":[1,2]}', type: 'Json' },
      o: { value: '{"k":1}', type: 'Object', valueInfo: { serializationDataFormat: 'application/json', objectTypeName: 'java.util.Map' } },
      n: { value: null, type: 'Null' },
      u: { value: { raw: true } },
    });
    expect(vars).toEqual({
      s: 'x', i: 5, is: 6, l: 2 ** 40, sh: -3, d: 0.5, b: false,
      dt: new Date('2024-05-01T08:15:00.000Z'), j: { a: [1, 2] }, o: { k: 1 }, n: null, u: { raw: true },
    });
    expect(fromCamundaVariables(null)).toEqual({});
  });

  it('refuses unknown types and values that do not fit their type', () => {
    expect(() => fromTypedValue('a', { value: 1, type: 'Bytes' })).toThrow("Unsupported value type 'Bytes'");
    expect(() => fromTypedValue('a', { value: 1, type: 'Banana' })).toThrow(HttpError);
    expect(() => fromTypedValue('a', { value: 'abc', type: 'Integer' })).toThrow(/Cannot convert value "abc" of type string to type Integer/);
    expect(() => fromTypedValue('a', { value: 40000, type: 'Short' })).toThrow(/to type Short/);
    expect(() => fromTypedValue('a', { value: '{"k":1}', type: 'Object', valueInfo: { serializationDataFormat: 'application/x-java-serialized-object' } })).toThrow(/serialization data format/);
    expect(() => fromTypedValue('a', 'plain')).toThrow(/must be an object/);
    expect(() => fromTypedValue('__proto__', { value: 1, type: 'constructor' })).toThrow(/Unsupported value type/);
  });

  it('writes JS values back as Camunda types', () => {
    expect(toCamundaVariables({ a: 1, b: 2 ** 40, c: 1.5, d: 'x', e: true, f: null, g: [1], h: { k: 'v' }, i: new Date(0) })).toEqual({
      a: { type: 'Integer', value: 1, valueInfo: {} },
      b: { type: 'Long', value: 2 ** 40, valueInfo: {} },
      c: { type: 'Double', value: 1.5, valueInfo: {} },
      d: { type: 'String', value: 'x', valueInfo: {} },
      e: { type: 'Boolean', value: true, valueInfo: {} },
      f: { type: 'Null', value: null, valueInfo: {} },
      g: { type: 'Json', value: '[1]', valueInfo: {} },
      h: { type: 'Json', value: '{"k":"v"}', valueInfo: {} },
      i: { type: 'Date', value: '1970-01-01T00:00:00.000+0000', valueInfo: {} },
    });
    expect(toTypedValue(undefined).type).toBe('Null');
  });

  it('formats and parses Camunda dates', () => {
    expect(formatDate(Date.UTC(2024, 4, 1, 10, 15))).toBe('2024-05-01T10:15:00.000+0000');
    expect(parseDate('2024-05-01T10:15:00.000+0000')).toBe(Date.UTC(2024, 4, 1, 10, 15));
    expect(parseDate('2024-05-01T12:15:00.000+02:00')).toBe(Date.UTC(2024, 4, 1, 10, 15));
    expect(parseDate('2024-05-01T10:15:00Z')).toBe(Date.UTC(2024, 4, 1, 10, 15));
    expect(parseDate('yesterday')).toBeNull();
    expect(formatDate(null)).toBeNull();
  });
});
