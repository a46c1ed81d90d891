/**
 * DMN expression text → a checked `Expression`. DMN's default language is FEEL (the text has no
 * leading `=`); Camunda 7 also allows `expressionLanguage="juel"` (`${...}`). Other languages
 * (JavaScript, Groovy, Python) are refused: no script engine runs user input here.
 */
import type { CompileContext, ElementRef } from '../bpmn/context.js';
import type { Expression } from '../bpmn/graph.js';
import type { ModdleElement } from '../bpmn/moddle-types.js';

/** `expressionLanguage` of the element, else of the definitions; undefined = FEEL. */
export function languageOf(element: ModdleElement, definitions: ModdleElement): string | undefined {
  const own = element.expressionLanguage as string | undefined;
  return (own ?? (definitions.expressionLanguage as string | undefined))?.trim() || undefined;
}

export function compileDmnExpression(
  text: string,
  language: string | undefined,
  element: ElementRef,
  what: string,
  ctx: CompileContext,
): Expression | undefined {
  const lower = language?.toLowerCase();
  if (lower === undefined || lower.includes('feel')) {
    return ctx.check({ language: 'feel', source: text }, element, what);
  }
  if (lower === 'juel') {
    const source = text.includes('${') || text.includes('#{') ? text : '${' + text + '}';
    return ctx.check({ language: 'juel', source }, element, what);
  }
  ctx.error(`Expression language '${language}' of the ${what} is not supported: write it in FEEL (or JUEL)`, element);
  return undefined;
}
