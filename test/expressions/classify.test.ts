import { describe, expect, it } from 'vitest';
import { expressionFromText } from '../../src/expressions/index.js';

describe('expressionFromText', () => {
  it('classifies text starting with = as FEEL, without the =', () => {
    expect(expressionFromText('=a > 1')).toEqual({ language: 'feel', source: 'a > 1' });
  });

  it('ignores leading whitespace before the =', () => {
    expect(expressionFromText('  \n=order.total')).toEqual({ language: 'feel', source: 'order.total' });
  });

  it('classifies text containing ${ as JUEL, keeping the whole text', () => {
    expect(expressionFromText('${score > 0.8}')).toEqual({ language: 'juel', source: '${score > 0.8}' });
    expect(expressionFromText('Hello ${name}!')).toEqual({ language: 'juel', source: 'Hello ${name}!' });
  });

  it('classifies text containing #{ as JUEL', () => {
    expect(expressionFromText('#{approved}')).toEqual({ language: 'juel', source: '#{approved}' });
  });

  it('classifies everything else as a literal', () => {
    expect(expressionFromText('train')).toEqual({ language: 'literal', source: 'train' });
    expect(expressionFromText('costs $5 {each}')).toEqual({ language: 'literal', source: 'costs $5 {each}' });
    expect(expressionFromText('')).toEqual({ language: 'literal', source: '' });
  });

  it('prefers FEEL when text both starts with = and contains ${', () => {
    expect(expressionFromText('="${x}"')).toEqual({ language: 'feel', source: '"${x}"' });
  });
});
