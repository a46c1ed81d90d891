import type { Expression } from './expression.js';

/** Classify an attribute's text: `=...` → FEEL, containing `${` / `#{` → JUEL, anything else → literal. */
export function expressionFromText(text: string): Expression {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('=')) return { language: 'feel', source: trimmed.slice(1) };
  if (text.includes('${') || text.includes('#{')) return { language: 'juel', source: text };
  return { language: 'literal', source: text };
}
