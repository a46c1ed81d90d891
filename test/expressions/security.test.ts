import { afterEach, describe, expect, it } from 'vitest';
import { checkExpression, evaluate, ExpressionError } from '../../src/expressions/index.js';
import { juelCache } from '../../src/expressions/juel.js';
import { errorOf, feel, juel, run, runFeel } from './helpers.js';

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
});

describe('prototype access', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses .%s at compile time', (name) => {
    expect(checkExpression(juel(`\${x.${name}}`))).toMatch(new RegExp(`^Access to '${name}' is not allowed at column`));
    expect(() => run(`\${x.${name}}`, { x: {} })).toThrow(ExpressionError);
  });

  it.each(['__proto__', 'constructor', 'prototype'])("refuses ['%s'] at run time", (name) => {
    expect(errorOf(() => run(`\${x['${name}']}`, { x: {} })).message).toMatch(new RegExp(`Access to '${name}' is not allowed`));
    expect(errorOf(() => run('${x[k]}', { x: {}, k: name })).message).toMatch(/is not allowed/);
  });

  it('refuses the forbidden names as variables', () => {
    expect(checkExpression(juel('${__proto__}'))).toMatch(/^Access to '__proto__' is not allowed/);
    expect(checkExpression(juel('${constructor}'))).toMatch(/^Access to 'constructor' is not allowed/);
  });

  it('never reads inherited properties', () => {
    expect(run('${x.toString}', { x: {} })).toBeNull();
    expect(run("${x['hasOwnProperty']}", { x: {} })).toBeNull();
    expect(run('${x.valueOf}', { x: { a: 1 } })).toBeNull();
    expect(() => run("${l['map']}", { l: [] })).toThrow(/Cannot index an array with 'map'/);
    expect(errorOf(() => run('${toString}', {})).variable).toBe('toString');
  });

  it('never reads properties of class instances, Maps or Dates', () => {
    class Secret {
      token = 't';
    }
    expect(() => run('${s.token}', { s: new Secret() })).toThrow(/Cannot read property 'token' of object/);
    expect(() => run('${m.size}', { m: new Map() })).toThrow(ExpressionError);
    expect(() => run('${d.time}', { d: new Date() })).toThrow(/of date/);
  });

  it('handles JSON variables carrying a __proto__ key without pollution', () => {
    const variables = JSON.parse('{"__proto__": {"polluted": "yes"}, "a": {"__proto__": {"polluted": "yes"}, "b": 1}}') as Record<string, unknown>;
    expect(run('${a.b}', variables)).toBe(1);
    expect(run('${a.polluted}', variables)).toBeNull();
    expect(run('${empty a}', variables)).toBe(false);
    expect(() => run('${a["__proto__"]}', variables)).toThrow(ExpressionError);
    expect(() => run('${execution.getVariable("__proto__")}', variables)).not.toThrow();
    expect(run('${execution.getVariable("__proto__")}', variables)).toBeNull();
    expect(run('${a == b}', { a: variables['a'], b: JSON.parse('{"__proto__": {"polluted": "yes"}, "b": 1}') })).toBe(true);
  });

  it('handles FEEL over JSON variables carrying a __proto__ key without pollution', () => {
    const variables = JSON.parse('{"a": {"__proto__": {"polluted": "yes"}, "b": 1}}') as Record<string, unknown>;
    expect(runFeel('a.b', variables)).toBe(1);
    const result = runFeel('{__proto__: {polluted: "yes"}, x: 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(result['polluted']).toBeUndefined();
    expect(runFeel('context put({}, "__proto__", {polluted: "yes"})')).toEqual({});
  });
});

describe('functions never escape', () => {
  it('JUEL refuses a variable or property holding a function', () => {
    expect(errorOf(() => run('${f}', { f: () => 1 })).message).toMatch(/'f' is a function/);
    expect(errorOf(() => run('${o.f}', { o: { f: () => 1 } })).message).toMatch(/'f' is a function/);
    expect(errorOf(() => run('${l[0]}', { l: [() => 1] })).message).toMatch(/is a function/);
  });

  it('FEEL never calls or returns a function found in the variables', () => {
    let called = false;
    const f = () => {
      called = true;
      return 42;
    };
    expect(runFeel('f()', { f })).toBeNull();
    expect(runFeel('o.f()', { o: { f } })).toBeNull();
    expect(runFeel('f', { f })).toBeNull();
    expect(called).toBe(false);
  });

  it('FEEL never returns a built-in function', () => {
    expect(() => runFeel('abs')).toThrow(/Result is a function/);
    expect(() => runFeel('[abs]')).toThrow(/Result is a function/);
  });
});

describe('bounded evaluation', () => {
  it('refuses sources longer than 10,000 characters', () => {
    const source = '${' + 'a'.repeat(10_001) + '}';
    expect(checkExpression(juel(source))).toMatch(/^Expression is longer than 10000 characters \(10004\)/);
    expect(() => run(source, {})).toThrow(ExpressionError);
    expect(checkExpression(feel('1' + ' + 1'.repeat(2_500)))).toMatch(/^Expression is longer than 10000 characters/);
  });

  it('refuses 10,000 nested parentheses without crashing', () => {
    const source = '${' + '('.repeat(10_000) + '1' + ')'.repeat(10_000) + '}';
    expect(() => run(source)).toThrow(ExpressionError);
    const fits = '${' + '('.repeat(4_000) + '1' + ')'.repeat(4_000) + '}';
    expect(checkExpression(juel(fits))).toMatch(/^Expression is nested too deeply \(more than 64 levels\) at column 68 in/);
    expect(() => run(fits)).toThrow(ExpressionError);
  });

  it('accepts 64 levels of nesting and refuses 65', () => {
    expect(run('${' + '('.repeat(64) + '7' + ')'.repeat(64) + '}')).toBe(7);
    expect(checkExpression(juel('${' + '('.repeat(65) + '7' + ')'.repeat(65) + '}'))).toMatch(/nested too deeply/);
    expect(run('${' + '!'.repeat(64) + 'true}')).toBe(true);
    expect(checkExpression(juel('${' + '!'.repeat(65) + 'true}'))).toMatch(/nested too deeply/);
  });

  it('refuses deep chains of unary operators, brackets and ternaries', () => {
    expect(checkExpression(juel('${' + '!'.repeat(5_000) + 'true}'))).toMatch(/nested too deeply/);
    expect(checkExpression(juel('${' + '-'.repeat(5_000) + '1}'))).toMatch(/nested too deeply/);
    expect(checkExpression(juel('${a' + '[a'.repeat(2_000) + ']'.repeat(2_000) + '}'))).toMatch(/nested too deeply/);
    expect(checkExpression(juel('${' + 'a ? b : '.repeat(1_000) + 'c}'))).toMatch(/nested too deeply/);
  });

  it('refuses very long operator chains instead of recursing deeply when evaluating', () => {
    expect(checkExpression(juel('${' + Array(3_000).fill('1').join('+') + '}'))).toMatch(/^Expression is too complex/);
    expect(run('${' + Array(300).fill('1').join('+') + '}')).toBe(300);
  });

  it('refuses deeply nested FEEL without crashing', () => {
    expect(checkExpression(feel('('.repeat(5_000) + '1' + ')'.repeat(5_000)))).toMatch(/^Expression is longer than/);
    expect(checkExpression(feel('('.repeat(1_000) + '1' + ')'.repeat(1_000)))).toMatch(/^Expression is nested too deeply/);
    expect(checkExpression(feel('['.repeat(100) + ']'.repeat(100)))).toMatch(/^Expression is nested too deeply/);
    expect(() => runFeel('('.repeat(1_000) + '1' + ')'.repeat(1_000))).toThrow(ExpressionError);
  });

  it('caps string results at 1 MB', () => {
    const big = 'x'.repeat(600_000);
    expect(run('${a + "y"}', { a: big })).toHaveLength(600_001);
    expect(errorOf(() => run('${a + a}', { a: big })).message).toMatch(/String result longer than 1048576 characters/);
    expect(errorOf(() => run('${a}${a}', { a: big })).message).toMatch(/String result longer than/);
    expect(() => run('${a + a + a + a + a + a + a + a}', { a: 'x'.repeat(200_000) })).toThrow(/String result longer than/);
  });

  it('caps doubling templates', () => {
    const source = '${s}'.repeat(2_000);
    expect(() => run(source, { s: 'x'.repeat(1_000) })).toThrow(/String result longer than/);
  });

  it('refuses comparing structures nested deeper than 100 levels', () => {
    let a: unknown = 1;
    let b: unknown = 1;
    for (let i = 0; i < 200; i++) {
      a = [a];
      b = [b];
    }
    expect(() => run('${a == b}', { a, b })).toThrow(/nested deeper than 100 levels/);
  });

  it('keeps the compile cache bounded', () => {
    for (let i = 0; i < 10_050; i++) checkExpression(juel(`\${v${i}}`));
    expect(juelCache.size).toBeLessThanOrEqual(10_000);
  });
});

describe('fuzzed input never escapes as anything but an ExpressionError', () => {
  const alphabet = ['${', '#{', '}', '(', ')', '[', ']', '.', "'", '"', '\\', 'a', 'b', '1', '0', '+', '-', '*', '/', '%', '?', ':', '!', '=', '<', '>', '&&', '||', ' ', 'empty', 'not', 'div', 'execution', '__proto__', 'size()', 'x'];

  it('for 5,000 random JUEL sources', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let n = 0; n < 5_000; n++) {
      let source = '${';
      const length = 1 + Math.floor(random() * 30);
      for (let i = 0; i < length; i++) source += alphabet[Math.floor(random() * alphabet.length)];
      if (random() < 0.7) source += '}';
      const check = checkExpression(juel(source));
      expect(check === null || typeof check === 'string').toBe(true);
      try {
        const value = evaluate(juel(source), { a: 1, b: 'two', x: { y: [1] } });
        expect(typeof value).not.toBe('function');
      } catch (error) {
        expect(error).toBeInstanceOf(ExpressionError);
      }
    }
  });
});

describe('FEEL range budget', () => {
  it('a range too large to enumerate is an evaluation error, and a small one still works', async () => {
    const { evaluate: run, ExpressionError: Failure } = await import('../../src/expressions/index.js');
    const feel = (source: string) => ({ language: 'feel' as const, source });
    expect(run(feel('count(for i in 1..n return i)'), { n: 1000 })).toBe(1000);
    expect(() => run(feel('count(for i in 1..n return i)'), { n: 1e9 })).toThrow(Failure);
    expect(() => run(feel('count(for i in 1..n return i)'), { n: 1e9 })).toThrow(/too large/);
    // nested loops share one budget per evaluation
    expect(() => run(feel('count(for i in 1..2000, j in 1..2000 return i)'), {})).toThrow(/too large/);
    expect(run(feel('count(for i in 1..10 return i)'), {})).toBe(10);
  });
});
