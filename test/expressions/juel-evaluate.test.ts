import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/expressions/index.js';
import { errorOf, juel, run } from './helpers.js';

describe('JUEL literals', () => {
  it.each([
    ['${42}', 42],
    ['${3.25}', 3.25],
    ['${.5}', 0.5],
    ['${1e3}', 1000],
    ['${2.5E-1}', 0.25],
    ['${true}', true],
    ['${false}', false],
    ['${null}', null],
    ["${'single'}", 'single'],
    ['${"double"}', 'double'],
  ])('%s is %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('decodes escapes in strings', () => {
    expect(run("${'it\\'s'}")).toBe("it's");
    expect(run('${"say \\"hi\\""}')).toBe('say "hi"');
    expect(run("${'back\\\\slash'}")).toBe('back\\slash');
    expect(run("${'a\\nb\\tc'}")).toBe('a\nb\tc');
  });

  it('keeps the other quote unescaped inside a string', () => {
    expect(run(`\${"it's"}`)).toBe("it's");
    expect(run(`\${'say "hi"'}`)).toBe('say "hi"');
  });
});

describe('JUEL templates', () => {
  it('returns the typed value when the source is exactly one ${...}', () => {
    expect(run('${count}', { count: 3 })).toBe(3);
    expect(run('${items}', { items: [1, 2] })).toEqual([1, 2]);
    expect(run('${flag}', { flag: false })).toBe(false);
  });

  it('treats #{...} like ${...}', () => {
    expect(run('#{count + 1}', { count: 3 })).toBe(4);
    expect(run('#{a} and ${b}', { a: 1, b: 2 })).toBe('1 and 2');
  });

  it('concatenates text and expressions into a string', () => {
    expect(run('Hello ${name}!', { name: 'Ada' })).toBe('Hello Ada!');
    expect(run('${a}${b}', { a: 1, b: 2 })).toBe('12');
    expect(run('model ${id} v${version}', { id: 'fraud', version: 7 })).toBe('model fraud v7');
  });

  it('renders null as empty text, dates as ISO 8601 and structures as JSON', () => {
    expect(run('[${x}]', { x: null })).toBe('[]');
    expect(run('at ${d}', { d: new Date('2024-05-01T12:00:00Z') })).toBe('at 2024-05-01T12:00:00.000Z');
    expect(run('list ${l}', { l: [1, 'a'] })).toBe('list [1,"a"]');
    expect(run('obj ${o}', { o: { a: 1 } })).toBe('obj {"a":1}');
  });

  it('keeps text without ${...} as it is', () => {
    expect(run('no expression here')).toBe('no expression here');
    expect(run('')).toBe('');
  });

  it('allows braces inside string literals of an expression', () => {
    expect(run("${'}'}")).toBe('}');
    expect(run("x${'{a}'}y")).toBe('x{a}y');
  });

  it('treats \\${ as the literal text ${', () => {
    expect(run('cost \\${price} is ${price}', { price: 5 })).toBe('cost ${price} is 5');
  });
});

describe('JUEL variables and access', () => {
  const order = { id: 'o-1', total: 120.5, lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }], meta: { 'tag-name': 'x' } };

  it('reads variables', () => {
    expect(run('${order}', { order })).toBe(order);
  });

  it('reads properties with a.b', () => {
    expect(run('${order.id}', { order })).toBe('o-1');
    expect(run('${order.lines[1].sku}', { order })).toBe('B');
  });

  it("reads properties with a['b'] and a[\"b\"]", () => {
    expect(run("${order['total']}", { order })).toBe(120.5);
    expect(run('${order.meta["tag-name"]}', { order })).toBe('x');
  });

  it('reads array elements with a[0] and computed indexes', () => {
    expect(run('${order.lines[0].qty}', { order })).toBe(2);
    expect(run('${order.lines[i].qty}', { order, i: 1 })).toBe(1);
    expect(run("${order.lines['1'].sku}", { order })).toBe('B');
    expect(run('${order.lines.length}', { order })).toBe(2);
  });

  it('yields null for a missing property or an index out of range', () => {
    expect(run('${order.nope}', { order })).toBeNull();
    expect(run('${order.lines[5]}', { order })).toBeNull();
    expect(run('${order.lines[-1]}', { order })).toBeNull();
  });

  it('yields null for property and index access on null (JUEL semantics)', () => {
    expect(run('${a.b.c}', { a: null })).toBeNull();
    expect(run('${a[0]}', { a: null })).toBeNull();
    expect(run("${a.b['c'][1]}", { a: { b: null } })).toBeNull();
  });

  it('reads undefined variables as null', () => {
    expect(run('${x}', { x: undefined })).toBeNull();
  });

  it('refuses property access on strings, numbers and booleans', () => {
    expect(errorOf(() => run('${s.length}', { s: 'abc' })).message).toMatch(/Cannot read property 'length' of string/);
    expect(errorOf(() => run('${n.x}', { n: 1 })).message).toMatch(/of number/);
    expect(errorOf(() => run('${b.x}', { b: true })).message).toMatch(/of boolean/);
  });

  it('refuses non-integer array indexes', () => {
    expect(errorOf(() => run("${l['x']}", { l: [1] })).message).toMatch(/Cannot index an array with 'x'/);
    expect(errorOf(() => run('${l[1.5]}', { l: [1, 2] })).message).toMatch(/Cannot index an array with 1.5/);
  });
});

describe('JUEL comparison operators', () => {
  it.each([
    ['${1 == 1}', true],
    ['${1 eq 2}', false],
    ['${1 != 2}', true],
    ['${1 ne 1}', false],
    ['${1 < 2}', true],
    ['${2 lt 1}', false],
    ['${2 > 1}', true],
    ['${1 gt 2}', false],
    ['${2 <= 2}', true],
    ['${3 le 2}', false],
    ['${2 >= 2}', true],
    ['${1 ge 2}', false],
  ])('%s is %s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('compares strings by value and lexically', () => {
    expect(run("${s == 'abc'}", { s: 'abc' })).toBe(true);
    expect(run("${'abc' < 'abd'}")).toBe(true);
    expect(run("${'b' > 'a'}")).toBe(true);
  });

  it('compares booleans and null by value', () => {
    expect(run('${f == false}', { f: false })).toBe(true);
    expect(run('${x == null}', { x: null })).toBe(true);
    expect(run('${x != null}', { x: 0 })).toBe(true);
    expect(run('${null == null}')).toBe(true);
  });

  it('coerces numeric strings when compared with numbers', () => {
    expect(run("${1 == '1'}")).toBe(true);
    expect(run("${'10' > 9}")).toBe(true);
    expect(run("${1 == 'one'}")).toBe(false);
  });

  it('coerces the strings true/false when compared with booleans', () => {
    expect(run("${true == 'true'}")).toBe(true);
    expect(run("${'false' == false}")).toBe(true);
  });

  it('is false for ordering comparisons with null', () => {
    expect(run('${x > 1}', { x: null })).toBe(false);
    expect(run('${x < 1}', { x: null })).toBe(false);
  });

  it('compares arrays and objects structurally with ==', () => {
    expect(run('${a == b}', { a: [1, { x: 'y' }], b: [1, { x: 'y' }] })).toBe(true);
    expect(run('${a == b}', { a: { x: 1 }, b: { x: 2 } })).toBe(false);
  });

  it('refuses to order values of unrelated types', () => {
    expect(errorOf(() => run('${a < b}', { a: true, b: false })).message).toMatch(/Cannot compare boolean with boolean/);
    expect(errorOf(() => run("${1 < 'x'}")).message).toMatch(/Cannot convert string 'x' to a number/);
  });
});

describe('JUEL dates', () => {
  const earlier = new Date('2024-01-01T00:00:00Z');
  const later = new Date('2024-06-01T00:00:00Z');

  it('orders dates by time', () => {
    expect(run('${a < b}', { a: earlier, b: later })).toBe(true);
    expect(run('${a > b}', { a: earlier, b: later })).toBe(false);
    expect(run('${a <= b}', { a: later, b: new Date(later.getTime()) })).toBe(true);
  });

  it('compares dates for equality by time, not identity', () => {
    expect(run('${a == b}', { a: later, b: new Date(later.getTime()) })).toBe(true);
    expect(run('${a != b}', { a: earlier, b: later })).toBe(true);
  });

  it('compares a date with an ISO 8601 string', () => {
    expect(run("${a < '2024-03-01T00:00:00Z'}", { a: earlier })).toBe(true);
    expect(run("${a == '2024-01-01T00:00:00.000Z'}", { a: earlier })).toBe(true);
  });
});

describe('JUEL logical operators', () => {
  it.each([
    ['${true && true}', true],
    ['${true && false}', false],
    ['${true and true}', true],
    ['${false || true}', true],
    ['${false or false}', false],
    ['${!true}', false],
    ['${not false}', true],
    ['${!!true}', true],
  ])('%s is %s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('short-circuits: the right side of && / || is not evaluated when not needed', () => {
    expect(run('${false && missing}')).toBe(false);
    expect(run('${true || missing}')).toBe(true);
  });

  it('coerces null to false and the strings true/false to booleans', () => {
    expect(run('${x || true}', { x: null })).toBe(true);
    expect(run('${!x}', { x: null })).toBe(true);
    expect(run("${'true' && 'TRUE'}")).toBe(true);
  });

  it('refuses numbers and arbitrary strings as booleans', () => {
    expect(errorOf(() => run('${1 && true}')).message).toMatch(/Cannot convert number to a boolean/);
    expect(errorOf(() => run("${!'yes'}")).message).toMatch(/Cannot convert string 'yes' to a boolean/);
  });

  it('binds && tighter than ||', () => {
    expect(run('${true || false && false}')).toBe(true);
    expect(run('${(true || false) && false}')).toBe(false);
  });
});

describe('JUEL empty', () => {
  it.each([
    ['null', null],
    ['empty string', ''],
    ['empty array', []],
    ['empty object', {}],
  ])('is true for %s', (_name, value) => {
    expect(run('${empty x}', { x: value })).toBe(true);
  });

  it.each([
    ['a string', 'a'],
    ['an array', [0]],
    ['an object', { a: null }],
    ['zero', 0],
    ['false', false],
  ])('is false for %s', (_name, value) => {
    expect(run('${empty x}', { x: value })).toBe(false);
  });

  it('is true for a missing variable (null-safe) and for properties of one', () => {
    expect(run('${empty missing}')).toBe(true);
    expect(run('${empty missing.a[0]}')).toBe(true);
    expect(run('${not empty missing}')).toBe(false);
  });
});

describe('JUEL arithmetic', () => {
  it.each([
    ['${1 + 2}', 3],
    ['${5 - 7}', -2],
    ['${6 * 7}', 42],
    ['${7 / 2}', 3.5],
    ['${7 div 2}', 3.5],
    ['${7 % 3}', 1],
    ['${7 mod 3}', 1],
    ['${-4}', -4],
    ['${-(2 + 3)}', -5],
    ['${- -4}', 4],
    ['${1 + 2 * 3}', 7],
    ['${(1 + 2) * 3}', 9],
    ['${10 - 4 - 3}', 3],
    ['${2 * 3 % 4}', 2],
  ])('%s is %s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('works on variables and negates them', () => {
    expect(run('${price * qty}', { price: 2.5, qty: 4 })).toBe(10);
    expect(run('${-x}', { x: 3 })).toBe(-3);
  });

  it('treats null as 0 and numeric strings as numbers', () => {
    expect(run('${x + 1}', { x: null })).toBe(1);
    expect(run("${'4' * 2}")).toBe(8);
  });

  it('concatenates with + when either side is a string', () => {
    expect(run("${'a' + 'b'}")).toBe('ab');
    expect(run("${'v' + 7}")).toBe('v7');
    expect(run("${7 + 'v'}")).toBe('7v');
    expect(run("${'x' + null}")).toBe('x');
    expect(run("${1 + 2 + 'a'}")).toBe('3a');
  });

  it('raises "division by zero" for / div % mod by zero', () => {
    for (const op of ['/', 'div', '%', 'mod']) {
      const error = errorOf(() => run(`\${x ${op} 0}`, { x: 1 }, { elementId: 'Task_1' }));
      expect(error.message).toBe(`Division by zero in expression '\${x ${op} 0}' at element 'Task_1'`);
    }
  });

  it('raises on numeric overflow instead of returning Infinity', () => {
    expect(errorOf(() => run('${x * 10}', { x: 1e308 })).message).toMatch(/Numeric overflow/);
  });

  it('refuses arithmetic on booleans and non-numeric strings', () => {
    expect(errorOf(() => run('${true + 1}')).message).toMatch(/Cannot convert boolean to a number/);
    expect(errorOf(() => run("${'abc' * 2}")).message).toMatch(/Cannot convert string 'abc' to a number/);
  });
});

describe('JUEL ternary', () => {
  it('chooses a branch', () => {
    expect(run("${score > 0.8 ? 'deploy' : 'retrain'}", { score: 0.9 })).toBe('deploy');
    expect(run("${score > 0.8 ? 'deploy' : 'retrain'}", { score: 0.5 })).toBe('retrain');
  });

  it('nests to the right', () => {
    const grade = (n: number) => run("${n > 90 ? 'A' : n > 80 ? 'B' : 'C'}", { n });
    expect([grade(95), grade(85), grade(10)]).toEqual(['A', 'B', 'C']);
  });

  it('evaluates only the chosen branch', () => {
    expect(run('${true ? 1 : missing}')).toBe(1);
  });
});

describe('JUEL methods', () => {
  it('size() and isEmpty() on arrays, strings and objects', () => {
    expect(run('${l.size()}', { l: [1, 2, 3] })).toBe(3);
    expect(run('${s.size()}', { s: 'abcd' })).toBe(4);
    expect(run('${o.size()}', { o: { a: 1, b: 2 } })).toBe(2);
    expect(run('${l.isEmpty()}', { l: [] })).toBe(true);
    expect(run('${o.isEmpty()}', { o: { a: 1 } })).toBe(false);
  });

  it('contains(x) on arrays (by value), strings (substring) and objects (key)', () => {
    expect(run("${l.contains('b')}", { l: ['a', 'b'] })).toBe(true);
    expect(run('${l.contains(3)}', { l: [1, 2] })).toBe(false);
    expect(run("${s.contains('ell')}", { s: 'hello' })).toBe(true);
    expect(run("${o.contains('a')}", { o: { a: 1 } })).toBe(true);
    expect(run("${o.contains('toString')}", { o: { a: 1 } })).toBe(false);
  });

  it('length(), toUpperCase(), toLowerCase() on strings', () => {
    expect(run('${s.length()}', { s: 'hello' })).toBe(5);
    expect(run('${s.toUpperCase()}', { s: 'Hello' })).toBe('HELLO');
    expect(run('${s.toLowerCase()}', { s: 'Hello' })).toBe('hello');
  });

  it('chains methods with property access', () => {
    expect(run('${order.lines.size() > 1}', { order: { lines: [1, 2] } })).toBe(true);
    expect(run("${name.toLowerCase() == 'ada'}", { name: 'ADA' })).toBe(true);
  });

  it('returns null for a method on null', () => {
    expect(run('${x.size()}', { x: null })).toBeNull();
  });

  it('refuses a supported method on the wrong type', () => {
    expect(errorOf(() => run('${n.size()}', { n: 5 })).message).toMatch(/size\(\) is not supported on number/);
    expect(errorOf(() => run('${l.toUpperCase()}', { l: [] })).message).toMatch(/toUpperCase\(\) is not supported on array/);
  });
});

describe('JUEL execution object', () => {
  const context = { elementId: 'Task_Train', processInstanceId: 'pi-1', businessKey: 'fraud-v7', processDefinitionKey: 'OnModelChanged' };

  it.each([
    ['processInstanceId', 'pi-1'],
    ['processBusinessKey', 'fraud-v7'],
    ['businessKey', 'fraud-v7'],
    ['currentActivityId', 'Task_Train'],
    ['activityId', 'Task_Train'],
    ['processDefinitionKey', 'OnModelChanged'],
  ])('execution.%s comes from the evaluation context', (property, expected) => {
    expect(run(`\${execution.${property}}`, {}, context)).toBe(expected);
  });

  it('yields null for context fields that are not given', () => {
    expect(run('${execution.businessKey}', {})).toBeNull();
  });

  it('getVariable(name) reads a variable, null when missing', () => {
    expect(run("${execution.getVariable('modelId')}", { modelId: 'fraud' })).toBe('fraud');
    expect(run("${execution.getVariable('nope')}", {})).toBeNull();
    expect(run('${execution.getVariable(name)}', { name: 'x', x: 9 })).toBe(9);
  });

  it('hasVariable(name) tells whether a variable exists', () => {
    expect(run("${execution.hasVariable('a')}", { a: null })).toBe(true);
    expect(run("${execution.hasVariable('b')}", { a: 1 })).toBe(false);
  });

  it('works inside templates and conditions', () => {
    expect(run('instance ${execution.processInstanceId} of ${execution.getVariable("m")}', { m: 'fraud' }, context)).toBe(
      'instance pi-1 of fraud',
    );
  });
});

describe('JUEL value identity', () => {
  it('evaluates the same source many times with different variables', () => {
    const expression = juel('${a + b}');
    for (let i = 0; i < 100; i++) expect(evaluate(expression, { a: i, b: 1 })).toBe(i + 1);
  });
});
