import { unaryTest } from 'feelin';
import { describe, expect, it } from 'vitest';
import { parseSimpleTests, passesSimpleTests } from '../../src/dmn/simple-tests.js';

const cells = [
  '< 0.6', '<= 8', '> 99', '>= 100', '[5..8]', '[50..100[', ']1..5]', '(1..5)', '"Fall"', '"Fall","Winter","Spring"', '12, [1..2]',
  '42', '-3.5', 'true', 'false', 'null', 'not("a")', 'not(null)', 'not(< 5)', 'not([1..3], 7)', '"a,b", "c"',
];
const values: unknown[] = [null, 0, 1, 1.5, 2, 3, 5, 7, 8, 12, 42, 50, 99, 99.5, 100, 120, -3.5, 0.59, 0.6, 'Fall', 'Winter', 'a', 'a,b', 'c', '5', true, false];

/** The kind of value a cell's tests compare with ('number', 'string', 'boolean'), null for `null` alone. */
function kindOf(cell: string): string {
  if (/"/.test(cell)) return 'string';
  if (/true|false/.test(cell)) return 'boolean';
  return /\d/.test(cell) ? 'number' : 'null';
}

describe('simple input entries', () => {
  it('agree with feelin on values of the cell\'s type and on null', () => {
    let compared = 0;
    for (const cell of cells) {
      const simple = parseSimpleTests(cell);
      expect(simple, cell).toBeDefined();
      for (const value of values) {
        const sameKind = value === null ? !cell.startsWith('not(') : typeof value === kindOf(cell);
        if (!sameKind) continue;
        const feel = unaryTest(cell, { '?': value }).value === true;
        expect(passesSimpleTests(simple!, value), `${cell} with ${JSON.stringify(value)}`).toBe(feel);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(250);
  });

  it('follow FEEL where types differ: a comparison across types is null, which is no match (feelin says true here)', () => {
    const no = (cell: string, value: unknown) => expect(passesSimpleTests(parseSimpleTests(cell)!, value), `${cell} with ${JSON.stringify(value)}`).toBe(false);
    no('<= 8', 'Fall');
    no('[5..8]', '5');
    no('< 0.6', false);
    no('not(< 5)', null);
    no('not("a")', 3);
  });

  it('leave everything else to feelin', () => {
    for (const cell of ['date("2024-01-01")', '> x', 'count(?) > 1', '"a" + "b"', 'not(date("2024-01-01"), 3)', '? > 3', '"es\\"caped"']) {
      expect(parseSimpleTests(cell), cell).toBeUndefined();
    }
  });
});
