/** Call activities: C7 `calledElement` + `camunda:in/out`, C8 `zeebe:calledElement`. */
import type { CompileContext } from './context.js';
import type { CallActivitySettings, VariableMapping } from './graph.js';
import { extension, extensionValues, text, type ModdleElement } from './moddle-types.js';

const BINDINGS = ['latest', 'version', 'versionTag', 'deployment'] as const;

export function compileCallActivity(element: ModdleElement, ctx: CompileContext): CallActivitySettings | undefined {
  const zeebe = extension(element, 'zeebe:CalledElement');
  const called = text(element.calledElement) ?? text(zeebe?.processId);
  if (called === undefined) {
    ctx.error('Call activity has no called element: set calledElement (or zeebe:calledElement processId) to a process id', element);
    return undefined;
  }
  const settings: CallActivitySettings = {
    calledElement: ctx.expression(called, element, 'called element'),
    binding: 'latest',
    inputs: [],
    inputAll: false,
    outputs: [],
    outputAll: false,
  };

  const binding = text(element.calledElementBinding) ?? text(zeebe?.bindingType);
  if (binding !== undefined) {
    if ((BINDINGS as readonly string[]).includes(binding)) settings.binding = binding as CallActivitySettings['binding'];
    else ctx.error(`Call activity binding '${binding}' is not supported: use latest, version, versionTag or deployment`, element);
  }
  const version = text(element.calledElementVersion);
  if (version !== undefined) {
    if (/^\d+$/.test(version)) settings.version = Number(version);
    else ctx.error(`camunda:calledElementVersion '${version}' is not a version number`, element);
  }
  const versionTag = text(element.calledElementVersionTag) ?? text(zeebe?.versionTag);
  if (versionTag !== undefined) settings.versionTag = versionTag;
  if (settings.binding === 'version' && settings.version === undefined) {
    ctx.error('Call activity binding "version" needs camunda:calledElementVersion', element);
  }
  if (settings.binding === 'versionTag' && settings.versionTag === undefined) {
    ctx.error('Call activity binding "versionTag" needs a version tag', element);
  }

  if (zeebe) {
    settings.passInputMappings = true;
    settings.inputAll = zeebe.propagateAllParentVariables !== false;
    const outputMappings = extension(element, 'zeebe:IoMapping')?.outputParameters as unknown[] | undefined;
    settings.outputAll =
      typeof zeebe.propagateAllChildVariables === 'boolean' ? zeebe.propagateAllChildVariables : !outputMappings?.length;
  }

  for (const value of extensionValues(element)) {
    if (value.$type !== 'camunda:In' && value.$type !== 'camunda:Out') continue;
    const input = value.$type === 'camunda:In';
    const label = input ? 'camunda:in' : 'camunda:out';
    if (text(value.variables) === 'all') {
      if (input) settings.inputAll = true;
      else settings.outputAll = true;
      continue;
    }
    const businessKey = text(value.businessKey);
    if (businessKey !== undefined && input) {
      settings.businessKey = ctx.expression(businessKey, element, 'camunda:in businessKey');
      continue;
    }
    const mapping = inOutMapping(value, label, element, ctx);
    if (mapping) (input ? settings.inputs : settings.outputs).push(mapping);
  }
  return settings;
}

export function inOutMapping(value: ModdleElement, label: string, element: ModdleElement, ctx: CompileContext): VariableMapping | undefined {
  const target = text(value.target);
  const source = text(value.source);
  const sourceExpression = text(value.sourceExpression);
  if (target === undefined) {
    ctx.error(`${label} has no target`, element);
    return undefined;
  }
  if (sourceExpression !== undefined) {
    return { target, source: ctx.expression(sourceExpression, element, `${label} sourceExpression`) };
  }
  if (source !== undefined) {
    // a plain variable name: read it as an expression of that variable (undefined passes null)
    return { target, source: ctx.expression(`\${${source}}`, element, `${label} source`), variable: source };
  }
  ctx.error(`${label} '${target}' has neither source nor sourceExpression`, element);
  return undefined;
}
