import { describe, expect, it } from 'vitest';
import { unsafePatternReason } from '../../src/expressions/safe-regex.js';
import { errorOf, runFeel } from './helpers.js';

const FIB = '{fib: function(n) if n < 2 then n else fib(n - 1) + fib(n - 2), result: fib(N)}.result';
const list = (n: number) => Array.from({ length: n }, (_, i) => i);

// Issue 19, finding 6: feelin has no CPU bound. Before, each of these ran for seconds (fib(28): 5.3 s,
// "(a+)+$" on 27 characters: 3.2 s, a nested for over an 8 KB list: 5.2 s) and froze the engine.
describe('FEEL under a step budget (issue 19, finding 6)', () => {
  it('a recursive function stops at the budget with a clear error', () => {
    expect(runFeel(FIB, { N: 10 })).toBe(55);
    expect(errorOf(() => runFeel(FIB, { N: 28 })).message).toMatch(/FEEL evaluation exceeded its budget of 1,000,000 steps .*maxFeelSteps/);
  });

  it('a nested for over a large list stops at the budget; the same loops over small lists run', () => {
    expect(runFeel('count(for a in L, b in L return a + b)', { L: list(100) })).toBe(10_000);
    expect(errorOf(() => runFeel('count(for a in L, b in L return a + b)', { L: list(3000) })).message).toMatch(/exceeded its budget/);
    expect(errorOf(() => runFeel('count(for a in L return for b in L return a)', { L: list(3000) })).message).toMatch(/exceeded its budget/);
    expect(errorOf(() => runFeel('some a in L, b in L satisfies a + b < 0', { L: list(3000) })).message).toMatch(/exceeded its budget/);
    // lists nested in contexts are metered too
    expect(errorOf(() => runFeel('count(for a in c.L, b in c.L return a)', { c: { L: list(3000) } })).message).toMatch(/exceeded its budget/);
  });

  it('linear work over a large list fits the default budget', () => {
    expect(runFeel('sum(for x in L return x * 2)', { L: list(100_000) })).toBe(9_999_900_000);
    expect(runFeel('count(L[item > 50000])', { L: list(100_000) })).toBe(49_999);
  });

  it('the budget is set per evaluation (the engine passes its maxFeelSteps)', () => {
    expect(errorOf(() => runFeel('sum(for x in L return x)', { L: list(1000) }, { maxFeelSteps: 500 })).message).toMatch(/budget of 500 steps/);
    expect(runFeel('sum(for x in L return x)', { L: list(1000) }, { maxFeelSteps: 50_000 })).toBe(499_500);
  });

  it('ranges are charged to the same budget', () => {
    expect(errorOf(() => runFeel('count(for a in 1..n, b in 1..n return a)', { n: 2000 }, { maxFeelSteps: 100_000 })).message).toMatch(/exceeded its budget/);
  });

  it('metered values are read-only and come back as plain values', () => {
    const variables = { L: [1, 2, 3], c: { x: [4] } };
    expect(runFeel('{a: L, b: c}', variables)).toEqual({ a: [1, 2, 3], b: { x: [4] } });
    expect(runFeel('sort(L, function(x, y) x > y)', variables)).toEqual([3, 2, 1]);
    expect(variables).toEqual({ L: [1, 2, 3], c: { x: [4] } });
  });
});

describe('regular expressions in matches, replace and split (issue 19, finding 6)', () => {
  it('a pattern that backtracks exponentially is refused before it runs', () => {
    const input = `${'a'.repeat(27)}!`;
    expect(errorOf(() => runFeel('matches(input, "(a+)+$")', { input })).message).toMatch(/Regular expression "\(a\+\)\+\$" is refused: a repeated group contains another repetition/);
    expect(errorOf(() => runFeel('matches(input: input, pattern: "(a|a)*$")', { input })).message).toMatch(/alternatives that can match the same text/);
    expect(errorOf(() => runFeel('replace(input, "(\\w*)*x", "y")', { input })).message).toMatch(/is refused/);
    expect(errorOf(() => runFeel('split(input, "(a|ab)+")', { input })).message).toMatch(/is refused/);
    expect(errorOf(() => runFeel('matches(input, "(a)\\1")', { input })).message).toMatch(/backreferences are not supported/);
  });

  it('ordinary patterns run', () => {
    expect(runFeel('matches("fraud-v7", "^[a-z]+-v\\d+$")')).toBe(true);
    expect(runFeel('matches("catdogcat", "^(cat|dog)+$")')).toBe(true);
    expect(runFeel('replace("a-b-c", "-", "+")')).toBe('a+b+c');
    expect(runFeel('split("a, b,c", ",\\s*")')).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['(a+)+', false], ['(a*)*b', false], ['((ab)+c)*', false], ['(x+x+)+y', false], ['(a|aa)+', false], ['(\\d|x)+', false],
    ['(a{2,})*', false], ['(?:a+){2,5}', false], ['(?<n>a)\\k<n>', false],
    ['^\\d{4}-\\d{2}-\\d{2}$', true], ['(cat|dog)+', true], ['(-\\d|x)+', true], ['[(a+)+]', true], ['(ab)+', true],
    ['(a+)?', true], ['(a+){1}', true], ['\\(a+\\)+', true], ['\\p{L}+', true], ['.*foo.*', true],
  ])('%s is %s', (pattern, safe) => {
    expect(unsafePatternReason(pattern) === null).toBe(safe);
  });
});
