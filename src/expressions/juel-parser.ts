/**
 * Recursive-descent parser for the JUEL subset. Nesting depth and tree height are checked while
 * parsing, so hostile input (`((((...))))`, `!!!!...`, `1+1+...`) fails with a syntax error
 * instead of exhausting the stack, here or later in the evaluator.
 */
import {
  EXECUTION_PROPERTIES,
  VALUE_METHOD_ARITY,
  type ArithmeticOperator,
  type ComparisonOperator,
  type ExecutionProperty,
  type JuelNode,
  type ValueMethod,
} from './juel-ast.js';
import { JuelLexer, type Token } from './juel-lexer.js';
import { JuelSyntaxError } from './juel-syntax-error.js';
import { FORBIDDEN_PROPERTIES, MAX_NESTING_DEPTH, MAX_TREE_HEIGHT } from './limits.js';

const EQUALITY: ReadonlyMap<string, ComparisonOperator> = new Map<string, ComparisonOperator>([
  ['==', '=='], ['eq', '=='], ['!=', '!='], ['ne', '!='],
]);
const RELATIONAL: ReadonlyMap<string, ComparisonOperator> = new Map<string, ComparisonOperator>([
  ['<', '<'], ['lt', '<'], ['>', '>'], ['gt', '>'], ['<=', '<='], ['le', '<='], ['>=', '>='], ['ge', '>='],
]);
const ADDITIVE: ReadonlyMap<string, ArithmeticOperator> = new Map<string, ArithmeticOperator>([['+', '+'], ['-', '-']]);
const MULTIPLICATIVE: ReadonlyMap<string, ArithmeticOperator> = new Map<string, ArithmeticOperator>([
  ['*', '*'], ['/', '/'], ['div', '/'], ['%', '%'], ['mod', '%'],
]);

/** Parse a whole JUEL source: literal text with `${...}` / `#{...}` parts. */
export function parseJuel(source: string): JuelNode {
  const parts: (string | JuelNode)[] = [];
  let text = '';
  let i = 0;
  let chunk = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\' && (source[i + 1] === '$' || source[i + 1] === '#') && source[i + 2] === '{') {
      // `\${` is the literal text `${`
      text += source.slice(chunk, i);
      chunk = i + 1;
      i += 3;
      continue;
    }
    if ((c === '$' || c === '#') && source[i + 1] === '{') {
      text += source.slice(chunk, i);
      if (text !== '') parts.push(text);
      text = '';
      const parser = new ExpressionParser(source, i + 2);
      parts.push(parser.parseDeferred());
      i = parser.end;
      chunk = i;
      continue;
    }
    i++;
  }
  text += source.slice(chunk);
  if (text !== '') parts.push(text);

  if (parts.length === 0) return { kind: 'literal', value: '' };
  if (parts.length === 1) {
    const only = parts[0]!;
    return typeof only === 'string' ? { kind: 'literal', value: only } : only;
  }
  return { kind: 'template', parts };
}

class ExpressionParser {
  private readonly lexer: JuelLexer;
  private token: Token;
  /** Nesting levels entered; the top-level expression itself is level 0. */
  private depth = -1;
  private readonly heights = new WeakMap<JuelNode, number>();
  /** Offset just after the closing `}`. */
  end = 0;

  constructor(
    private readonly source: string,
    start: number,
  ) {
    this.lexer = new JuelLexer(source, start);
    this.token = this.lexer.next();
  }

  /** Parse one `${ expression }` body up to and including its closing brace. */
  parseDeferred(): JuelNode {
    const node = this.expression();
    if (this.token.type === 'eof') throw new JuelSyntaxError("Expected '}' but reached the end of the expression", this.token.start);
    if (!this.isPunct('}')) this.unexpected();
    this.end = this.token.end;
    return node;
  }

  // ----- grammar, lowest precedence first -----

  private expression(): JuelNode {
    this.enter();
    const node = this.conditional();
    this.depth--;
    return node;
  }

  private conditional(): JuelNode {
    const test = this.or();
    if (!this.isPunct('?')) return test;
    this.advance();
    const then = this.expression();
    this.expect(':');
    const otherwise = this.expression();
    return this.make({ kind: 'conditional', test, then, otherwise }, test, then, otherwise);
  }

  private or(): JuelNode {
    let left = this.and();
    while (this.isOperator('||', 'or')) {
      this.advance();
      const right = this.and();
      left = this.make({ kind: 'or', left, right }, left, right);
    }
    return left;
  }

  private and(): JuelNode {
    let left = this.equality();
    while (this.isOperator('&&', 'and')) {
      this.advance();
      const right = this.equality();
      left = this.make({ kind: 'and', left, right }, left, right);
    }
    return left;
  }

  private equality(): JuelNode {
    let left = this.relational();
    for (let op = this.operatorIn(EQUALITY); op !== undefined; op = this.operatorIn(EQUALITY)) {
      this.advance();
      const right = this.relational();
      left = this.make({ kind: 'comparison', operator: op, left, right }, left, right);
    }
    return left;
  }

  private relational(): JuelNode {
    let left = this.additive();
    for (let op = this.operatorIn(RELATIONAL); op !== undefined; op = this.operatorIn(RELATIONAL)) {
      this.advance();
      const right = this.additive();
      left = this.make({ kind: 'comparison', operator: op, left, right }, left, right);
    }
    return left;
  }

  private additive(): JuelNode {
    let left = this.multiplicative();
    for (let op = this.operatorIn(ADDITIVE); op !== undefined; op = this.operatorIn(ADDITIVE)) {
      this.advance();
      const right = this.multiplicative();
      left = this.make({ kind: 'arithmetic', operator: op, left, right }, left, right);
    }
    return left;
  }

  private multiplicative(): JuelNode {
    let left = this.unary();
    for (let op = this.operatorIn(MULTIPLICATIVE); op !== undefined; op = this.operatorIn(MULTIPLICATIVE)) {
      this.advance();
      const right = this.unary();
      left = this.make({ kind: 'arithmetic', operator: op, left, right }, left, right);
    }
    return left;
  }

  private unary(): JuelNode {
    const t = this.token;
    let kind: 'negate' | 'not' | 'empty' | undefined;
    if (this.isPunct('-')) kind = 'negate';
    else if (this.isOperator('!', 'not')) kind = 'not';
    else if (t.type === 'keyword' && t.text === 'empty') kind = 'empty';
    if (kind === undefined) return this.postfix();
    this.advance();
    this.enter();
    const operand = this.unary();
    this.depth--;
    if (kind === 'negate' && operand.kind === 'literal' && typeof operand.value === 'number') {
      return { kind: 'literal', value: -operand.value };
    }
    return this.make({ kind, operand }, operand);
  }

  private postfix(): JuelNode {
    const t = this.token;
    let node = t.type === 'identifier' && t.text === 'execution' ? this.execution() : this.primary();
    for (;;) {
      if (this.isPunct('.')) {
        this.advance();
        const name = this.identifierName();
        if (this.isPunct('(')) {
          node = this.method(node, name);
        } else {
          this.checkPropertyName(name, this.token.start);
          node = this.make({ kind: 'property', object: node, name }, node);
        }
      } else if (this.isPunct('[')) {
        this.advance();
        const key = this.expression();
        this.expect(']');
        node = this.make({ kind: 'index', object: node, key }, node, key);
      } else {
        return node;
      }
    }
  }

  private primary(): JuelNode {
    const t = this.token;
    switch (t.type) {
      case 'number':
        this.advance();
        return { kind: 'literal', value: t.value };
      case 'string':
        this.advance();
        return { kind: 'literal', value: t.text };
      case 'keyword':
        if (t.text === 'true' || t.text === 'false' || t.text === 'null') {
          this.advance();
          return { kind: 'literal', value: t.text === 'null' ? null : t.text === 'true' };
        }
        return this.unexpected();
      case 'identifier': {
        this.advance();
        if (this.isPunct('(')) throw new JuelSyntaxError(`function calls are not supported: ${t.text}()`, t.start);
        this.checkPropertyName(t.text, t.start);
        return { kind: 'variable', name: t.text };
      }
      case 'punct':
        if (t.text === '(') {
          this.advance();
          const inner = this.expression();
          this.expect(')');
          return inner;
        }
        return this.unexpected();
      default:
        return this.unexpected();
    }
  }

  /** `execution.<property>`, `execution.getVariable(name)`, `execution.hasVariable(name)`. */
  private execution(): JuelNode {
    const start = this.token.start;
    this.advance();
    if (!this.isPunct('.')) {
      throw new JuelSyntaxError("'execution' must be followed by a property or getVariable(...) / hasVariable(...)", start);
    }
    this.advance();
    const nameStart = this.token.start;
    const name = this.identifierName();
    if (this.isPunct('(')) {
      if (name !== 'getVariable' && name !== 'hasVariable') {
        throw new JuelSyntaxError(`method calls are not supported: execution.${name}()`, nameStart);
      }
      const args = this.arguments();
      if (args.length !== 1) throw new JuelSyntaxError(`execution.${name}() takes exactly 1 argument`, nameStart);
      return this.make({ kind: 'executionVariable', has: name === 'hasVariable', name: args[0]! }, args[0]!);
    }
    if (!EXECUTION_PROPERTIES.has(name)) throw new JuelSyntaxError(`Unknown property 'execution.${name}'`, nameStart);
    return { kind: 'execution', property: name as ExecutionProperty };
  }

  private method(object: JuelNode, name: string): JuelNode {
    const start = this.token.start;
    const arity = VALUE_METHOD_ARITY.get(name);
    if (arity === undefined) throw new JuelSyntaxError(`method calls are not supported: ${name}()`, start);
    const args = this.arguments();
    if (args.length !== arity) {
      throw new JuelSyntaxError(`${name}() takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`, start);
    }
    return this.make({ kind: 'method', object, name: name as ValueMethod, args }, object, ...args);
  }

  private arguments(): JuelNode[] {
    this.expect('(');
    const args: JuelNode[] = [];
    if (this.isPunct(')')) {
      this.advance();
      return args;
    }
    for (;;) {
      args.push(this.expression());
      if (this.isPunct(')')) {
        this.advance();
        return args;
      }
      this.expect(',');
    }
  }

  // ----- helpers -----

  private identifierName(): string {
    const t = this.token;
    // Keywords are valid property names after a dot (`a.empty` is unusual but harmless).
    if (t.type !== 'identifier' && t.type !== 'keyword') return this.unexpected();
    this.advance();
    return t.text;
  }

  private checkPropertyName(name: string, at: number): void {
    if (FORBIDDEN_PROPERTIES.has(name)) throw new JuelSyntaxError(`Access to '${name}' is not allowed`, at);
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw new JuelSyntaxError(`Expression is nested too deeply (more than ${MAX_NESTING_DEPTH} levels)`, this.token.start);
    }
  }

  private make(node: JuelNode, ...children: JuelNode[]): JuelNode {
    let height = 0;
    for (const child of children) height = Math.max(height, this.heights.get(child) ?? 1);
    if (height + 1 > MAX_TREE_HEIGHT) {
      throw new JuelSyntaxError(`Expression is too complex (more than ${MAX_TREE_HEIGHT} levels of operators)`, this.token.start);
    }
    this.heights.set(node, height + 1);
    return node;
  }

  private advance(): void {
    this.token = this.lexer.next();
  }

  private isPunct(text: string): boolean {
    return this.token.type === 'punct' && this.token.text === text;
  }

  private isOperator(punct: string, keyword: string): boolean {
    const t = this.token;
    return (t.type === 'punct' && t.text === punct) || (t.type === 'keyword' && t.text === keyword);
  }

  private operatorIn<T>(table: ReadonlyMap<string, T>): T | undefined {
    const t = this.token;
    return t.type === 'punct' || t.type === 'keyword' ? table.get(t.text) : undefined;
  }

  private expect(text: string): void {
    if (!this.isPunct(text)) {
      if (this.token.type === 'eof') throw new JuelSyntaxError(`Expected '${text}' but reached the end of the expression`, this.token.start);
      this.unexpected(`, expected '${text}'`);
    }
    this.advance();
  }

  private unexpected(hint = ''): never {
    const t = this.token;
    if (t.type === 'eof') throw new JuelSyntaxError('Unexpected end of expression', t.start);
    if (t.type === 'keyword' && t.text === 'instanceof') throw new JuelSyntaxError("The 'instanceof' operator is not supported", t.start);
    const raw = t.type === 'string' ? this.source.slice(t.start, t.end) : t.text;
    const shown = raw.length > 40 ? raw.slice(0, 40) + '…' : raw;
    throw new JuelSyntaxError(`Unexpected token '${shown}'${hint}`, t.start);
  }
}
