/**
 * The FEEL literals a deploy-time check can read without evaluating: `"text"`, numbers,
 * `true`/`false`, `null`, and comma-separated lists of them (`outputValues`).
 */

export type Literal = { value: string | number | boolean | null } | undefined;

const STRING = /^"((?:[^"\\]|\\.)*)"$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** The literal `source` denotes, or undefined when it is an expression. */
export function parseLiteral(source: string): Literal {
  const text = source.trim();
  const string = STRING.exec(text);
  if (string) return { value: string[1]!.replace(/\\(.)/g, '$1') };
  if (NUMBER.test(text)) return { value: Number(text) };
  if (text === 'true' || text === 'false') return { value: text === 'true' };
  if (text === 'null') return { value: null };
  return undefined;
}

/** `"a", "b", 3` → ['a', 'b', 3]; undefined when any item is not a literal. Commas inside quotes are kept. */
export function parseLiteralList(source: string): Array<string | number | boolean | null> | undefined {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && quoted) {
      current += c + (source[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      items.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  items.push(current);
  const values: Array<string | number | boolean | null> = [];
  for (const item of items) {
    const literal = parseLiteral(item);
    if (literal === undefined) return undefined;
    values.push(literal.value);
  }
  return values;
}
