import { describe, expect, it } from 'vitest';
import { checkExpression, evaluateCondition, ExpressionError } from '../../src/expressions/index.js';
import { errorOf, feel, runFeel } from './helpers.js';

describe('FEEL evaluation (feelin)', () => {
  it('does arithmetic', () => {
    expect(runFeel('1 + 2 * 3')).toBe(7);
    expect(runFeel('(price - discount) / 2', { price: 10, discount: 2 })).toBe(4);
    expect(runFeel('2 ** 10')).toBe(1024);
    expect(runFeel('-x', { x: 3 })).toBe(-3);
  });

  it('compares', () => {
    expect(runFeel('score > 0.8', { score: 0.9 })).toBe(true);
    expect(runFeel('a = b', { a: 'x', b: 'x' })).toBe(true);
    expect(runFeel('a != 1', { a: 2 })).toBe(true);
    expect(runFeel('n between 1 and 10', { n: 5 })).toBe(true);
    expect(runFeel('x in [1, 2, 3]', { x: 2 })).toBe(true);
  });

  it('evaluates if-then-else', () => {
    expect(runFeel('if score > 0.8 then "deploy" else "retrain"', { score: 0.95 })).toBe('deploy');
    expect(runFeel('if score > 0.8 then "deploy" else "retrain"', { score: 0.1 })).toBe('retrain');
  });

  it('builds and filters lists', () => {
    expect(runFeel('[1, 2, 3]')).toEqual([1, 2, 3]);
    expect(runFeel('items[item > 1]', { items: [1, 2, 3] })).toEqual([2, 3]);
    expect(runFeel('count(items)', { items: ['a', 'b'] })).toBe(2);
    expect(runFeel('for x in [1, 2] return x * 10')).toEqual([10, 20]);
    expect(runFeel('sum(for l in order.lines return l.qty)', { order: { lines: [{ qty: 2 }, { qty: 3 }] } })).toBe(5);
  });

  it('builds and reads contexts', () => {
    expect(runFeel('{a: 1, b: "two", c: [true]}')).toEqual({ a: 1, b: 'two', c: [true] });
    expect(runFeel('{a: {b: 7}}.a.b')).toBe(7);
    expect(runFeel('order.customer.name', { order: { customer: { name: 'Ada' } } })).toBe('Ada');
  });

  it('concatenates strings and calls built-in functions', () => {
    expect(runFeel('"model-" + id', { id: 'fraud' })).toBe('model-fraud');
    expect(runFeel('upper case(name)', { name: 'ada' })).toBe('ADA');
    expect(runFeel('string length("abc")')).toBe(3);
  });

  it('returns dates as ISO strings and zoned date-times as Dates', () => {
    expect(runFeel('date("2024-05-01")')).toBe('2024-05-01');
    expect(runFeel('duration("P1D")')).toBe('P1D');
    expect(runFeel('date and time("2024-05-01T10:00:00Z")')).toEqual(new Date('2024-05-01T10:00:00Z'));
  });

  it('compares Date variables by time', () => {
    const vars = { a: new Date('2024-01-01T00:00:00Z'), b: new Date('2024-06-01T00:00:00Z') };
    expect(runFeel('a < b', vars)).toBe(true);
    expect(runFeel('a = b', vars)).toBe(false);
  });

  it('evaluates missing variables to null (FEEL semantics)', () => {
    expect(runFeel('missing')).toBeNull();
    expect(runFeel('missing > 5')).toBeNull();
    expect(runFeel('missing.a.b')).toBeNull();
  });

  it('refuses functions and ranges as results', () => {
    expect(errorOf(() => runFeel('abs')).message).toMatch(/Result is a function/);
    expect(errorOf(() => runFeel('function(a) a + 1')).message).toMatch(/Result is a function/);
    expect(errorOf(() => runFeel('[1..3]')).message).toMatch(/Result is a range/);
  });
});

describe('FEEL conditions', () => {
  it('return the boolean result', () => {
    expect(evaluateCondition(feel('score > 0.8'), { score: 0.9 })).toBe(true);
    expect(evaluateCondition(feel('score > 0.8'), { score: 0.2 })).toBe(false);
  });

  it('raise an error naming the expression, the element and the missing variable when the result is null', () => {
    const error = errorOf(() => evaluateCondition(feel('score > 0.8'), {}, { elementId: 'Gateway_1' }));
    expect(error.message).toBe(
      "Condition '=score > 0.8' evaluated to null, expected a boolean (variable 'score' is not defined) at element 'Gateway_1'",
    );
    expect(error.variable).toBe('score');
    expect(error.expression).toBe('=score > 0.8');
    expect(error.elementId).toBe('Gateway_1');
  });

  it('raise an error when the result is not a boolean', () => {
    expect(errorOf(() => evaluateCondition(feel('"yes"'), {})).message).toBe(
      "Condition '=\"yes\"' evaluated to string, expected a boolean",
    );
  });
});

describe('FEEL syntax check', () => {
  it('returns null for valid expressions', () => {
    for (const source of ['a > 1', 'if x then 1 else 2', '{a: [1, 2]}', 'some x in l satisfies x > 2', 'date("2024-01-01")']) {
      expect(checkExpression(feel(source))).toBeNull();
    }
  });

  it('names the unexpected token and its column in the text as written (with the =)', () => {
    expect(checkExpression(feel('a > )'))).toBe("Unexpected token ')' at column 6 in '=a > )'");
  });

  it('reports an incomplete expression', () => {
    expect(checkExpression(feel('1 +'))).toBe("Unexpected end of expression at column 5 in '=1 +'");
    expect(checkExpression(feel('if a then 1'))).toMatch(/^Unexpected end of expression at column \d+ in '=if a then 1'$/);
  });

  it('reports an empty expression', () => {
    expect(checkExpression(feel(''))).toBe("Empty expression in '='");
  });

  it('raises the syntax error on evaluation, naming the element', () => {
    const error = errorOf(() => runFeel('a > )', { a: 1 }, { elementId: 'Flow_9' }));
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.message).toBe("Unexpected token ')' at column 6 in '=a > )' at element 'Flow_9'");
  });
});
