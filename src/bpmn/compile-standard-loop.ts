/**
 * `bpmn:standardLoopCharacteristics` (BPMN 2.0 §10.2.8 / §13.3.6): `loopCondition` in JUEL
 * (`${...}`, the camunda: flavour) or FEEL (`=...`, the zeebe: flavour), `testBefore`,
 * `loopMaximum`. Neither Camunda runs it (Camunda 7's parser reads only multi-instance loop
 * characteristics and runs the activity once; Zeebe refuses it at deploy); we run it as BPMN says.
 */
import type { CompileContext } from './context.js';
import type { StandardLoopSettings } from './graph.js';
import { text, type ModdleElement } from './moddle-types.js';

/** undefined when the element has no standard loop (or it is broken, which is reported). */
export function compileStandardLoop(element: ModdleElement, ctx: CompileContext): StandardLoopSettings | undefined {
  const loop = element.loopCharacteristics as ModdleElement | undefined;
  if (loop?.$type !== 'bpmn:StandardLoopCharacteristics') return undefined;
  const settings: StandardLoopSettings = { testBefore: loop.testBefore === true };
  const condition = text((loop.loopCondition as ModdleElement | undefined)?.body);
  if (condition !== undefined) {
    const expression = ctx.expression(condition, element, 'loop condition');
    if (expression.language === 'literal') {
      ctx.error(`Loop condition '${condition}' is not an expression: write \${...} (JUEL) or =... (FEEL)`, element);
    }
    settings.loopCondition = expression;
  }
  const maximum = loop.loopMaximum as unknown;
  if (maximum !== undefined) {
    if (typeof maximum !== 'number' || !Number.isInteger(maximum) || maximum < 0) {
      ctx.error(`loopMaximum '${String(maximum)}' must be a non-negative integer`, element);
    } else {
      settings.loopMaximum = maximum;
    }
  }
  if (settings.loopCondition === undefined && maximum === undefined) {
    ctx.error('Standard loop has neither a loopCondition nor a loopMaximum: it would never stop', element);
  }
  return settings;
}
