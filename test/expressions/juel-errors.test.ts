import { describe, expect, it } from 'vitest';
import { checkExpression, evaluate, evaluateCondition, ExpressionError } from '../../src/expressions/index.js';
import { condition, errorOf, juel, literal, run } from './helpers.js';

describe('checkExpression for JUEL', () => {
  it('returns null for valid expressions', () => {
    for (const source of ['${a > 1}', 'Hello ${name}', '#{x.y[0].size() > 2 ? "a" : "b"}', '${empty l and not f}', 'plain']) {
      expect(checkExpression(juel(source))).toBeNull();
    }
  });

  it('names the unexpected token, its 1-based column and the expression', () => {
    expect(checkExpression(juel('${a > )}'))).toBe("Unexpected token ')' at column 7 in '${a > )}'");
    expect(checkExpression(juel('${a b}'))).toBe("Unexpected token 'b' at column 5 in '${a b}'");
    expect(checkExpression(juel('${}'))).toBe("Unexpected token '}' at column 3 in '${}'");
  });

  it('counts columns across template text', () => {
    expect(checkExpression(juel('Hello ${name +}'))).toBe("Unexpected token '}' at column 15 in 'Hello ${name +}'");
  });

  it('reports a missing closing brace or parenthesis', () => {
    expect(checkExpression(juel('${a'))).toBe("Expected '}' but reached the end of the expression at column 4 in '${a'");
    expect(checkExpression(juel('${(a}'))).toBe("Unexpected token '}', expected ')' at column 5 in '${(a}'");
    expect(checkExpression(juel('${a ? b}'))).toBe("Unexpected token '}', expected ':' at column 8 in '${a ? b}'");
  });

  it('reports unterminated strings, bad escapes and stray characters', () => {
    expect(checkExpression(juel("${'abc}"))).toBe("Unterminated string at column 3 in '${'abc}'");
    expect(checkExpression(juel("${'a\\qb'}"))).toBe("Invalid escape '\\q' in string at column 5 in '${'a\\qb'}'");
    expect(checkExpression(juel('${a @ b}'))).toBe("Unexpected character '@' at column 5 in '${a @ b}'");
    expect(checkExpression(juel('${12abc}'))).toBe("Invalid number '12a' at column 3 in '${12abc}'");
  });

  it('refuses general method and function calls at compile time', () => {
    expect(checkExpression(juel('${a.foo()}'))).toBe("method calls are not supported: foo() at column 8 in '${a.foo()}'");
    expect(checkExpression(juel('${execution.setVariable("a", 1)}'))).toMatch(/^method calls are not supported: execution.setVariable\(\)/);
    expect(checkExpression(juel('${bean.run(x)}'))).toMatch(/^method calls are not supported: run\(\)/);
    expect(checkExpression(juel('${now()}'))).toMatch(/^function calls are not supported: now\(\)/);
  });

  it('checks the argument count of supported methods', () => {
    expect(checkExpression(juel('${l.contains()}'))).toMatch(/^contains\(\) takes 1 argument, got 0/);
    expect(checkExpression(juel('${l.size(1)}'))).toMatch(/^size\(\) takes 0 arguments, got 1/);
    expect(checkExpression(juel('${execution.getVariable()}'))).toMatch(/takes exactly 1 argument/);
  });

  it('refuses unknown execution properties and a bare execution', () => {
    expect(checkExpression(juel('${execution.engine}'))).toMatch(/^Unknown property 'execution.engine'/);
    expect(checkExpression(juel('${execution}'))).toMatch(/^'execution' must be followed by/);
  });

  it('refuses instanceof', () => {
    expect(checkExpression(juel('${a instanceof b}'))).toMatch(/instanceof' operator is not supported/);
  });

  it('returns null for literals, whatever they contain', () => {
    expect(checkExpression(literal('${a > )}'))).toBeNull();
    expect(checkExpression(literal(''))).toBeNull();
  });

  it('raises the syntax error on evaluation too, naming the element', () => {
    const error = errorOf(() => run('${a > )}', { a: 1 }, { elementId: 'Flow_1' }));
    expect(error.message).toBe("Unexpected token ')' at column 7 in '${a > )}' at element 'Flow_1'");
    expect(error.expression).toBe('${a > )}');
    expect(error.elementId).toBe('Flow_1');
  });
});

describe('missing variables', () => {
  it('name the variable, the expression and the element', () => {
    const error = errorOf(() => run('${score > 0.8}', {}, { elementId: 'Gateway_1' }));
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.name).toBe('ExpressionError');
    expect(error.message).toBe("Unknown variable 'score' in expression '${score > 0.8}' at element 'Gateway_1'");
    expect(error.variable).toBe('score');
    expect(error.expression).toBe('${score > 0.8}');
    expect(error.elementId).toBe('Gateway_1');
  });

  it('leave out the element when no context is given', () => {
    expect(errorOf(() => run('${x}')).message).toBe("Unknown variable 'x' in expression '${x}'");
  });

  it('are found inside templates, properties and arguments', () => {
    expect(errorOf(() => run('Hi ${user.name}')).variable).toBe('user');
    expect(errorOf(() => run('${l[idx]}', { l: [] })).variable).toBe('idx');
    expect(errorOf(() => run('${l.contains(v)}', { l: [] })).variable).toBe('v');
  });

  it('do not include inherited names such as toString or constructor', () => {
    expect(errorOf(() => run('${toString}')).variable).toBe('toString');
    expect(errorOf(() => run('${hasOwnProperty}')).variable).toBe('hasOwnProperty');
  });
});

describe('evaluateCondition', () => {
  it('returns the boolean result', () => {
    expect(condition('${score > 0.8}', { score: 0.9 })).toBe(true);
    expect(condition('${score > 0.8}', { score: 0.1 })).toBe(false);
    expect(condition('#{approved}', { approved: true })).toBe(true);
  });

  it('raises when the result is not a boolean, naming the type and the element', () => {
    const error = errorOf(() => condition('${score}', { score: 0.9 }, { elementId: 'Flow_2' }));
    expect(error.message).toBe("Condition '${score}' evaluated to number, expected a boolean at element 'Flow_2'");
    expect(errorOf(() => condition('${x}', { x: null })).message).toMatch(/evaluated to null, expected a boolean/);
    expect(errorOf(() => condition('${x}', { x: 'true' })).message).toMatch(/evaluated to string, expected a boolean/);
    expect(errorOf(() => condition('is ${x}', { x: true })).message).toMatch(/evaluated to string, expected a boolean/);
  });

  it('raises the missing-variable error unchanged', () => {
    const error = errorOf(() => condition('${approved}', {}, { elementId: 'Flow_3' }));
    expect(error.message).toBe("Unknown variable 'approved' in expression '${approved}' at element 'Flow_3'");
  });

  it('accepts the literal texts true and false', () => {
    expect(evaluateCondition(literal('true'), {})).toBe(true);
    expect(evaluateCondition(literal(' false '), {})).toBe(false);
    expect(() => evaluateCondition(literal('yes'), {})).toThrow(ExpressionError);
  });
});

describe('literal expressions', () => {
  it('evaluate to their text', () => {
    expect(evaluate(literal('train'), {})).toBe('train');
    expect(evaluate(literal('${not evaluated}'), {})).toBe('${not evaluated}');
  });
});
