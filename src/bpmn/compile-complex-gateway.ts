/**
 * Complex gateway (BPMN 2.0 §10.5.5): its `activationCondition` says when the join fires. It is
 * an expression like a sequence-flow condition, JUEL (`${activationCount >= 2}`, the camunda:
 * flavour) or FEEL (`=activationCount >= 2`, the zeebe: flavour), and it sees the process
 * variables plus `activationCount`: how many incoming flows hold a token.
 */
import type { CompileContext } from './context.js';
import type { Expression } from './graph.js';
import { text, type ModdleElement } from './moddle-types.js';

export function compileActivationCondition(element: ModdleElement, ctx: CompileContext): Expression | undefined {
  const condition = element.activationCondition as ModdleElement | undefined;
  if (!condition) return undefined;
  const language = text(condition.language)?.toLowerCase();
  const body = text(condition.body);
  if (language !== undefined && language !== 'juel' && language !== 'feel') {
    ctx.error(`Activation condition language '${condition.language as string}' is not supported: write a JUEL (\${...}) or FEEL (=...) expression`, element);
    return undefined;
  }
  if (body === undefined) {
    ctx.error('Complex gateway has an empty activation condition: remove it (the gateway then waits for every token that can arrive) or write an expression', element);
    return undefined;
  }
  if (language === 'feel' && !body.startsWith('=')) return ctx.check({ language: 'feel', source: body }, element, 'activation condition');
  const expression = ctx.expression(body, element, 'activation condition');
  if (expression.language === 'literal') {
    ctx.error(`Activation condition '${body}' is not an expression: write \${...} (JUEL) or =... (FEEL)`, element);
    return undefined;
  }
  return expression;
}
