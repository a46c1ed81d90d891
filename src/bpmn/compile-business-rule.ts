/**
 * Business-rule tasks that evaluate a DMN decision: Camunda 7 `camunda:decisionRef` (+ binding,
 * version, resultVariable, mapDecisionResult) and Camunda 8 `zeebe:calledDecision`. The decision
 * itself is found at run time (it may be deployed later or separately); only the settings are checked here.
 */
import type { CompileContext } from './context.js';
import type { DecisionSettings } from './graph.js';
import { extension, text, type ModdleElement } from './moddle-types.js';

const BINDINGS = ['latest', 'deployment', 'version', 'versionTag'] as const;
const MAPPINGS = ['singleEntry', 'singleResult', 'collectEntries', 'resultList'] as const;

export function callsDecision(element: ModdleElement): boolean {
  return text(element.decisionRef) !== undefined || extension(element, 'zeebe:CalledDecision') !== undefined;
}

export function compileBusinessRule(element: ModdleElement, ctx: CompileContext): DecisionSettings | undefined {
  const zeebe = extension(element, 'zeebe:CalledDecision');
  if (zeebe) {
    const decisionId = text(zeebe.decisionId);
    if (decisionId === undefined) {
      ctx.error('zeebe:calledDecision has no decisionId', element);
      return undefined;
    }
    const resultVariable = text(zeebe.resultVariable);
    if (resultVariable === undefined) ctx.error('zeebe:calledDecision has no resultVariable: the decision output must be stored somewhere', element);
    const settings: DecisionSettings = { decisionRef: ctx.expression(decisionId, element, 'decision id'), binding: 'latest', resultMapping: 'output' };
    if (resultVariable !== undefined) settings.resultVariable = resultVariable;
    const bindingType = text(zeebe.$attrs?.bindingType);
    if (bindingType !== undefined && bindingType !== 'latest') {
      if (bindingType === 'deployment' || bindingType === 'versionTag') settings.binding = bindingType;
      else ctx.error(`zeebe:calledDecision bindingType '${bindingType}' is not supported: use latest, deployment or versionTag`, element);
      const versionTag = text(zeebe.$attrs?.versionTag);
      if (versionTag !== undefined) settings.versionTag = versionTag;
      if (settings.binding === 'versionTag' && versionTag === undefined) ctx.error('zeebe:calledDecision bindingType "versionTag" needs a versionTag', element);
    }
    return settings;
  }

  const settings: DecisionSettings = { decisionRef: ctx.expression(text(element.decisionRef)!, element, 'decision reference'), binding: 'latest', resultMapping: 'resultList' };
  const binding = text(element.decisionRefBinding);
  if (binding !== undefined) {
    if ((BINDINGS as readonly string[]).includes(binding)) settings.binding = binding as DecisionSettings['binding'];
    else ctx.error(`camunda:decisionRefBinding '${binding}' is not supported: use ${BINDINGS.join(', ')}`, element);
  }
  const version = text(element.decisionRefVersion);
  if (version !== undefined) {
    if (/^\d+$/.test(version)) settings.version = Number(version);
    else ctx.error(`camunda:decisionRefVersion '${version}' is not a version number`, element);
  }
  const versionTag = text(element.decisionRefVersionTag);
  if (versionTag !== undefined) settings.versionTag = versionTag;
  const tenantId = text(element.decisionRefTenantId);
  if (tenantId !== undefined) settings.tenantId = tenantId;
  if (settings.binding === 'version' && settings.version === undefined) ctx.error('camunda:decisionRefBinding "version" needs camunda:decisionRefVersion', element);
  if (settings.binding === 'versionTag' && settings.versionTag === undefined) ctx.error('camunda:decisionRefBinding "versionTag" needs camunda:decisionRefVersionTag', element);
  const mapping = text(element.mapDecisionResult);
  if (mapping !== undefined) {
    if ((MAPPINGS as readonly string[]).includes(mapping)) settings.resultMapping = mapping as DecisionSettings['resultMapping'];
    else ctx.error(`camunda:mapDecisionResult '${mapping}' is not supported: use ${MAPPINGS.join(', ')}`, element);
  }
  const resultVariable = text(element.resultVariable);
  if (resultVariable !== undefined) settings.resultVariable = resultVariable;
  return settings;
}
