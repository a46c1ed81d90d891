/**
 * Conditional event definitions (Camunda 7): the condition, `camunda:variableName` and
 * `camunda:variableEvents`. Zeebe 8.8 has no conditional events, so a diagram made for Camunda 8
 * is refused here as Zeebe refuses it, naming the element.
 */
import { isCamunda8Diagram } from './target-platform.js';
import type { CompileContext } from './context.js';
import type { EventDefinition, VariableEventName } from './graph.js';
import { text, type ModdleElement } from './moddle-types.js';

const VARIABLE_EVENTS: readonly VariableEventName[] = ['create', 'update', 'delete'];

export function conditionalEvent(element: ModdleElement, definition: ModdleElement, ctx: CompileContext): EventDefinition | undefined {
  if (isCamunda8Diagram(element)) {
    ctx.error(`Event definition of this type is not supported: '${element.id as string}' has a conditional event definition, which Camunda 8.8 (Zeebe) does not run`, element);
    return undefined;
  }
  const body = text((definition.condition as ModdleElement | undefined)?.body);
  if (body === undefined) {
    ctx.error('Conditional event has no condition: set a condition expression such as ${approved == true}', element);
    return undefined;
  }
  const event: EventDefinition = { type: 'conditional', conditional: { condition: ctx.expression(body, element, 'condition') } };
  const variableName = text(definition.variableName);
  if (variableName !== undefined) event.conditional!.variableName = variableName;
  const variableEvents = text(definition.variableEvents);
  if (variableEvents !== undefined) {
    const names = variableEvents.split(',').map((name) => name.trim()).filter((name) => name !== '');
    const unknown = names.filter((name) => !VARIABLE_EVENTS.includes(name as VariableEventName));
    if (unknown.length > 0) {
      ctx.error(`camunda:variableEvents '${variableEvents}' names ${unknown.map((n) => `'${n}'`).join(', ')}: use create, update and delete, comma-separated`, element);
    } else if (names.length > 0) {
      event.conditional!.variableEvents = [...new Set(names as VariableEventName[])];
    }
  }
  return event;
}
