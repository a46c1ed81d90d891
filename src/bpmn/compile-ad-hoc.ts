/**
 * `bpmn:adHocSubProcess` (BPMN 2.0 §10.3.5, §13.3.5): `completionCondition`,
 * `cancelRemainingInstances`, `ordering`, and Camunda 8's `zeebe:adHoc` (`activeElementsCollection`,
 * `outputCollection`, `outputElement`). It compiles to kind `adHocSubProcess`, a scope like an
 * embedded sub-process, carrying `adHoc`; its processor decides which inner elements start.
 */
import { isCamunda8Diagram } from './target-platform.js';
import type { CompileContext } from './context.js';
import type { AdHocSettings, FlowNode, ProcessGraph } from './graph.js';
import { extension, text, type ModdleElement } from './moddle-types.js';

export function compileAdHoc(element: ModdleElement, ctx: CompileContext): AdHocSettings {
  const zeebe = extension(element, 'zeebe:AdHoc');
  const settings: AdHocSettings = {
    activation: zeebe || isCamunda8Diagram(element) ? 'zeebe' : 'bpmn',
    activatable: [],
    cancelRemainingInstances: element.cancelRemainingInstances !== false,
    ordering: element.ordering === 'Sequential' ? 'Sequential' : 'Parallel',
  };
  const completion = text((element.completionCondition as ModdleElement | undefined)?.body);
  if (completion !== undefined) {
    const expression = ctx.expression(completion, element, 'completion condition');
    if (expression.language === 'literal') {
      ctx.error(`Completion condition '${completion}' is not an expression: write \${...} (JUEL) or =... (FEEL)`, element);
    }
    settings.completionCondition = expression;
  }
  if (zeebe) {
    const active = text(zeebe.activeElementsCollection);
    if (active !== undefined) settings.activeElementsCollection = ctx.expression(active, element, 'zeebe:adHoc activeElementsCollection');
    const outputCollection = text(zeebe.outputCollection);
    const outputElement = text(zeebe.outputElement);
    if ((outputCollection === undefined) !== (outputElement === undefined)) {
      ctx.error('zeebe:adHoc needs both outputCollection and outputElement, or neither', element);
    } else if (outputCollection !== undefined && outputElement !== undefined) {
      settings.outputCollection = outputCollection;
      settings.outputElement = ctx.expression(outputElement, element, 'zeebe:adHoc outputElement');
    }
  }
  if (extension(element, 'zeebe:TaskDefinition')) {
    // the job worker implementation: its job (compiled into node.job) decides what starts
    settings.activation = 'jobWorker';
    if (settings.activeElementsCollection) ctx.warn('zeebe:adHoc activeElementsCollection is ignored: the job worker (zeebe:taskDefinition) decides which elements start', element);
  }
  return settings;
}

/** `zeebe:properties` of an element inside an ad-hoc sub-process (what Camunda 8 offers its workers). */
export function adHocElementProperties(element: ModdleElement): Record<string, string> | undefined {
  if (element.$parent?.$type !== 'bpmn:AdHocSubProcess') return undefined;
  const entries = (extension(element, 'zeebe:Properties')?.properties as ModdleElement[] | undefined) ?? [];
  const named = entries.filter((entry) => text(entry.name) !== undefined);
  if (named.length === 0) return undefined;
  return Object.fromEntries(named.map((entry) => [text(entry.name)!, typeof entry.value === 'string' ? entry.value : '']));
}

/**
 * Once flows are wired: each ad-hoc sub-process lists its activatable inner elements, and its
 * structure is checked (no start or end events, at least one activity, as both Camunda 8 and
 * BPMN require).
 */
export function fillAdHocElements(graph: ProcessGraph, ctx: CompileContext, isActivity: (node: FlowNode) => boolean): void {
  for (const owner of Object.values(graph.nodes)) {
    if (!owner.adHoc) continue;
    const inner = Object.values(graph.nodes).filter((node) => node.parent === owner.id);
    for (const node of inner) {
      if (node.kind === 'startEvent' || node.kind === 'endEvent') {
        ctx.error(`An ad-hoc sub-process must not contain ${node.kind === 'startEvent' ? 'start' : 'end'} events`, node);
      }
    }
    if (!inner.some(isActivity)) ctx.error('An ad-hoc sub-process must contain at least one activity', owner);
    owner.adHoc.activatable = inner
      // compensation handlers run only when compensation calls them
      .filter((node) => node.incoming.length === 0 && node.kind !== 'boundaryEvent' && node.kind !== 'startEvent' && !node.scope?.triggeredByEvent && !node.isForCompensation)
      .map((node) => node.id);
  }
}
