/**
 * Most decision-table cells are simple: `< 0.6`, `>= 10`, `[50..100[`, `"retail","travel"`,
 * `true`, `not("x")`. Parsing them with feelin for every evaluation dominates the cost of a table
 * (feelin parses its input on each call), so the compiler reads such cells once into plain data,
 * evaluated here with FEEL's three-valued semantics (a comparison across types or with null is
 * null, which is no match). Anything else stays a FEEL unary test for feelin. test/dmn checks
 * that both agree.
 */

export type SimpleTest =
  | { kind: 'compare'; op: '<' | '<=' | '>' | '>='; value: number }
  | { kind: 'range'; from: number; to: number; fromIncluded: boolean; toIncluded: boolean }
  | { kind: 'equals'; value: string | number | boolean | null };

export interface SimpleTests {
  negated: boolean;
  tests: SimpleTest[];
}

const NUMBER = '-?\\d+(?:\\.\\d+)?';
const COMPARE = new RegExp(`^(<=|>=|<|>)\\s*(${NUMBER})$`);
const RANGE = new RegExp(`^([\\[\\]\\(])\\s*(${NUMBER})\\s*\\.\\.\\s*(${NUMBER})\\s*([\\[\\]\\)])$`);
const STRING = /^"((?:[^"\\]|\\.)*)"$/;

/** The cell as simple tests, or undefined when feelin must evaluate it. */
export function parseSimpleTests(source: string): SimpleTests | undefined {
  let text = source.trim();
  let negated = false;
  const not = /^not\s*\((.*)\)$/s.exec(text);
  if (not) {
    negated = true;
    text = not[1]!.trim();
  }
  const tests: SimpleTest[] = [];
  for (const part of splitTopLevel(text)) {
    const test = parseOne(part.trim());
    if (test === undefined) return undefined;
    tests.push(test);
  }
  return tests.length === 0 ? undefined : { negated, tests };
}

function parseOne(text: string): SimpleTest | undefined {
  const compare = COMPARE.exec(text);
  if (compare) return { kind: 'compare', op: compare[1] as '<' | '<=' | '>' | '>=', value: Number(compare[2]) };
  const range = RANGE.exec(text);
  if (range) {
    return { kind: 'range', from: Number(range[2]), to: Number(range[3]), fromIncluded: range[1] === '[', toIncluded: range[4] === ']' };
  }
  const string = STRING.exec(text);
  if (string) return string[1]!.includes('\\') ? undefined : { kind: 'equals', value: string[1]! };
  if (new RegExp(`^${NUMBER}$`).test(text)) return { kind: 'equals', value: Number(text) };
  if (text === 'true' || text === 'false') return { kind: 'equals', value: text === 'true' };
  if (text === 'null') return { kind: 'equals', value: null };
  return undefined;
}

/** Splits at commas outside quotes. A comma inside a call (`date("…"), …`) leaves a part that is not simple, so feelin takes the cell. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\') {
      current += c + (text[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

type Truth = boolean | null;

/** Does `value` pass? FEEL: a disjunction of the tests, negated by `not(...)`; null is no match. */
export function passesSimpleTests(simple: SimpleTests, value: unknown): boolean {
  let result: Truth = false;
  for (const test of simple.tests) {
    const truth = evaluate(test, value);
    if (truth === true) {
      result = true;
      break;
    }
    if (truth === null) result = null;
  }
  if (simple.negated) return result === false;
  return result === true;
}

function evaluate(test: SimpleTest, value: unknown): Truth {
  switch (test.kind) {
    case 'compare':
      return typeof value === 'number' ? compare(test.op, value, test.value) : null;
    case 'range':
      if (typeof value !== 'number') return null;
      return (test.fromIncluded ? value >= test.from : value > test.from) && (test.toIncluded ? value <= test.to : value < test.to);
    case 'equals':
      if (value === null || value === undefined) return test.value === null;
      if (test.value === null) return false;
      if (typeof value !== typeof test.value) return null;
      return value === test.value;
  }
}

function compare(op: '<' | '<=' | '>' | '>=', value: number, bound: number): boolean {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
  }
}
