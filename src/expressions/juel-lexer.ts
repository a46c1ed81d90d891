/**
 * Tokens of the JUEL expression language (the part between `${` and `}`).
 * The lexer is pulled by the parser one token at a time, starting at any offset of the source,
 * so template text and expression text share one source string and one column numbering.
 */
import { JuelSyntaxError } from './juel-syntax-error.js';

export type TokenType = 'number' | 'string' | 'identifier' | 'keyword' | 'punct' | 'eof';

export interface Token {
  type: TokenType;
  /** The source text of the token (for strings: the decoded value; for `eof`: ''). */
  text: string;
  /** For numbers, the numeric value. */
  value: number;
  /** 0-based offset of the token's first character. */
  start: number;
  /** 0-based offset just after the token. */
  end: number;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'true', 'false', 'null', 'and', 'or', 'not', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'div', 'mod', 'empty', 'instanceof',
]);

/** Multi-character punctuators first, so the longest match wins. */
const PUNCTUATORS = ['==', '!=', '<=', '>=', '&&', '||', '.', '[', ']', '(', ')', '?', ':', ',', '<', '>', '!', '+', '-', '*', '/', '%', '}', '{'];

const ESCAPES: ReadonlyMap<string, string> = new Map([['\\', '\\'], ["'", "'"], ['"', '"'], ['n', '\n'], ['t', '\t'], ['r', '\r']]);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentifierStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
}

function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || isDigit(c);
}

export class JuelLexer {
  constructor(
    private readonly source: string,
    public pos: number,
  ) {}

  next(): Token {
    const src = this.source;
    let i = this.pos;
    while (i < src.length && (src[i] === ' ' || src[i] === '\t' || src[i] === '\n' || src[i] === '\r')) i++;
    const start = i;
    if (i >= src.length) return this.token('eof', '', 0, start, start);
    const c = src.charCodeAt(i);

    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)))) return this.number(start);
    if (c === 39 || c === 34) return this.string(start);
    if (isIdentifierStart(c)) {
      i++;
      while (i < src.length && isIdentifierPart(src.charCodeAt(i))) i++;
      const word = src.slice(start, i);
      return this.token(KEYWORDS.has(word) ? 'keyword' : 'identifier', word, 0, start, i);
    }
    for (const p of PUNCTUATORS) {
      if (src.startsWith(p, start)) return this.token('punct', p, 0, start, start + p.length);
    }
    throw new JuelSyntaxError(`Unexpected character '${src[start]}'`, start);
  }

  private number(start: number): Token {
    const src = this.source;
    let i = start;
    while (isDigit(src.charCodeAt(i))) i++;
    // A '.' belongs to the number only when a digit follows: `a[1].b` style access stays possible.
    if (src[i] === '.' && isDigit(src.charCodeAt(i + 1))) {
      i++;
      while (isDigit(src.charCodeAt(i))) i++;
    }
    if (src[i] === 'e' || src[i] === 'E') {
      let j = i + 1;
      if (src[j] === '+' || src[j] === '-') j++;
      if (isDigit(src.charCodeAt(j))) {
        while (isDigit(src.charCodeAt(j))) j++;
        i = j;
      }
    }
    if (isIdentifierStart(src.charCodeAt(i))) throw new JuelSyntaxError(`Invalid number '${src.slice(start, i + 1)}'`, start);
    const text = src.slice(start, i);
    const value = Number(text);
    if (!Number.isFinite(value)) throw new JuelSyntaxError(`Number out of range '${text}'`, start);
    return this.token('number', text, value, start, i);
  }

  private string(start: number): Token {
    const src = this.source;
    const quote = src[start];
    let value = '';
    let i = start + 1;
    let chunk = i;
    while (i < src.length) {
      const ch = src[i];
      if (ch === quote) {
        value += src.slice(chunk, i);
        return this.token('string', value, 0, start, i + 1);
      }
      if (ch === '\\') {
        const escaped = ESCAPES.get(src[i + 1] ?? '');
        if (escaped === undefined) throw new JuelSyntaxError(`Invalid escape '\\${src[i + 1] ?? ''}' in string`, i);
        value += src.slice(chunk, i) + escaped;
        i += 2;
        chunk = i;
        continue;
      }
      i++;
    }
    throw new JuelSyntaxError('Unterminated string', start);
  }

  private token(type: TokenType, text: string, value: number, start: number, end: number): Token {
    this.pos = end;
    return { type, text, value, start, end };
  }
}
