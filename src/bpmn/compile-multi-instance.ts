/** `bpmn:multiInstanceLoopCharacteristics` with the C7 and C8 extensions. */
import type { CompileContext } from './context.js';
import type { MultiInstanceSettings } from './graph.js';
import { extension, text, type ModdleElement } from './moddle-types.js';

/** undefined when the element does not loop (or the loop is unsupported and was reported). */
export function compileMultiInstance(element: ModdleElement, ctx: CompileContext): MultiInstanceSettings | undefined {
  const loop = element.loopCharacteristics as ModdleElement | undefined;
  if (!loop) return undefined;
  if (loop.$type === 'bpmn:StandardLoopCharacteristics') return undefined; // compile-standard-loop.ts
  if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
    ctx.error(`Unsupported element ${loop.$type}`, element);
    return undefined;
  }
  const settings: MultiInstanceSettings = { sequential: loop.isSequential === true };
  if (loop.asyncBefore === true || loop.async === true) settings.asyncBefore = true;
  if (loop.asyncAfter === true) settings.asyncAfter = true;
  const cardinality = text((loop.loopCardinality as ModdleElement | undefined)?.body);
  if (cardinality !== undefined) settings.loopCardinality = ctx.expression(cardinality, element, 'loop cardinality');
  const completion = text((loop.completionCondition as ModdleElement | undefined)?.body);
  if (completion !== undefined) settings.completionCondition = ctx.expression(completion, element, 'completion condition');

  const collection = text(loop.collection);
  if (collection !== undefined) {
    const isExpression = collection.startsWith('=') || collection.includes('${') || collection.includes('#{');
    settings.collection = ctx.expression(isExpression ? collection : `\${${collection}}`, element, 'camunda:collection');
  }
  const elementVariable = text(loop.elementVariable);
  if (elementVariable !== undefined) settings.elementVariable = elementVariable;

  // standard BPMN: loopDataInputRef names the collection variable, inputDataItem the element variable
  if (settings.collection === undefined) {
    const input = loop.loopDataInputRef as ModdleElement | undefined;
    const name = text(input?.name) ?? text(input?.id) ?? ctx.textReference(loop, 'bpmn:loopDataInputRef');
    if (name !== undefined) settings.collection = ctx.expression(`\${${name}}`, element, 'loopDataInputRef');
  }
  if (settings.elementVariable === undefined) {
    const item = loop.inputDataItem as ModdleElement | undefined;
    const name = text(item?.name) ?? text(item?.id);
    if (name !== undefined) settings.elementVariable = name;
  }

  const zeebe = extension(loop, 'zeebe:LoopCharacteristics');
  if (zeebe) {
    const input = text(zeebe.inputCollection);
    if (input !== undefined) settings.collection = ctx.expression(input, element, 'zeebe:loopCharacteristics inputCollection');
    const inputElement = text(zeebe.inputElement);
    if (inputElement !== undefined) settings.elementVariable = inputElement;
    const output = text(zeebe.outputCollection);
    if (output !== undefined) settings.outputCollection = output;
    const outputElement = text(zeebe.outputElement);
    if (outputElement !== undefined) settings.outputElement = ctx.expression(outputElement, element, 'zeebe:loopCharacteristics outputElement');
  }
  if (settings.loopCardinality === undefined && settings.collection === undefined) {
    ctx.error('Multi-instance has neither loopCardinality nor a collection: say how many instances to create', element);
  }
  return settings;
}
