/** One executable `bpmn:process` → a `ProcessGraph` (nodes, flows, scopes), before validation. */
import { compileNode, isActivity } from './compile-node.js';
import { fillAdHocElements } from './compile-ad-hoc.js';
import { linkCompensation } from './compile-compensation.js';
import type { CompileContext } from './context.js';
import { GeneratedIds } from './generated-ids.js';
import type { Expression, FlowNode, ProcessGraph, ScopeSettings, SequenceFlow } from './graph.js';
import { extension, text, type ModdleElement } from './moddle-types.js';

/** Flow elements that carry no behaviour: skipped without comment. */
const IGNORED = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

export function compileProcess(process: ModdleElement, ctx: CompileContext, participantName?: string): ProcessGraph {
  const nodes: Record<string, FlowNode> = {};
  const flows: Record<string, SequenceFlow> = {};
  const moddleFlows: Array<{ element: ModdleElement; parent: string | null }> = [];
  const ids = new GeneratedIds(ctx);

  const walk = (container: ModdleElement, parent: string | null): void => {
    for (const element of (container.flowElements as ModdleElement[] | undefined) ?? []) {
      if (element.$type === 'bpmn:SequenceFlow') {
        moddleFlows.push({ element, parent });
        continue;
      }
      if (IGNORED.has(element.$type)) continue;
      const id = text(element.id) ?? (element.id = ids.forNode(element));
      if (nodes[id] !== undefined) continue; // duplicates: reported by the reader
      const node = compileNode(element, parent, ctx);
      if (!node) continue;
      nodes[node.id] = node;
      if (node.kind === 'subProcess' || node.kind === 'adHocSubProcess' || node.kind === 'eventSubProcess') walk(element, node.id);
    }
  };
  walk(process, null);

  for (const { element, parent } of moddleFlows) {
    if (text(element.id) === undefined) element.id = ids.forFlow(element);
    const flow = compileFlow(element, parent, nodes, ctx);
    if (!flow || flows[flow.id] !== undefined) continue;
    flows[flow.id] = flow;
    nodes[flow.source]!.outgoing.push(flow.id);
    nodes[flow.target]!.incoming.push(flow.id);
  }

  attachBoundaryEvents(nodes, ctx);

  const graph: ProcessGraph = {
    id: process.id ?? '',
    nodes,
    flows,
    scope: { triggeredByEvent: false, startEvents: [], eventSubProcesses: [] },
    inclusiveJoinSources: {},
  };
  const name = text(process.name) ?? participantName;
  if (name !== undefined) graph.name = name;
  const versionTag = text(process.versionTag) ?? text(extension(process, 'zeebe:VersionTag')?.value);
  if (versionTag !== undefined) graph.versionTag = versionTag;
  fillScopes(graph);
  fillAdHocElements(graph, ctx, (node) => isActivity(node.kind));
  linkCompensation(process, graph, ctx);
  return graph;
}

function compileFlow(
  element: ModdleElement,
  parent: string | null,
  nodes: Record<string, FlowNode>,
  ctx: CompileContext,
): SequenceFlow | undefined {
  const source = text((element.sourceRef as ModdleElement | undefined)?.id);
  const target = text((element.targetRef as ModdleElement | undefined)?.id);
  if (source === undefined || target === undefined) {
    ctx.error(`Sequence flow has no ${source === undefined ? 'sourceRef' : 'targetRef'}`, element);
    return undefined;
  }
  const from = nodes[source];
  const to = nodes[target];
  if (!from || !to) return undefined; // points at an unsupported or non-flow element: reported there
  if (from.parent !== parent || to.parent !== parent) {
    ctx.error(`Sequence flow from '${source}' to '${target}' crosses a sub-process boundary: flows must stay within one scope`, element);
    return undefined;
  }
  const flow: SequenceFlow = { id: element.id ?? '', source, target };
  const name = text(element.name);
  if (name !== undefined) flow.name = name;
  const condition = element.conditionExpression as ModdleElement | undefined;
  if (condition) {
    const compiled = compileCondition(condition, element, ctx);
    if (compiled) flow.condition = compiled;
  }
  return flow;
}

function compileCondition(condition: ModdleElement, flow: ModdleElement, ctx: CompileContext): Expression | undefined {
  const language = text(condition.language)?.toLowerCase();
  const body = text(condition.body);
  if (language !== undefined && language !== 'juel' && language !== 'feel') {
    ctx.error(
      `Condition language '${condition.language as string}' is not supported: write a JUEL (\${...}) or FEEL (=...) expression`,
      flow,
    );
    return undefined;
  }
  if (text(condition.resource) !== undefined) {
    ctx.error('Conditions from resources (camunda:resource) are not supported: write the expression inline', flow);
    return undefined;
  }
  if (body === undefined) {
    ctx.error('Sequence flow has an empty condition', flow);
    return undefined;
  }
  if (language === 'feel' && !body.startsWith('=')) return ctx.check({ language: 'feel', source: body }, flow, 'condition');
  const expression = ctx.expression(body, flow, 'condition');
  if (expression.language === 'literal') {
    ctx.error(`Condition '${body}' is not an expression: write \${...} (JUEL) or =... (FEEL)`, flow);
  }
  return expression;
}

function attachBoundaryEvents(nodes: Record<string, FlowNode>, ctx: CompileContext): void {
  for (const node of Object.values(nodes)) {
    if (node.kind !== 'boundaryEvent' || node.attachedTo === undefined) continue;
    const host = nodes[node.attachedTo];
    if (!host) {
      ctx.error(`Boundary event is attached to '${node.attachedTo}', which is not an activity of this process`, node);
      continue;
    }
    if (host.parent !== node.parent) {
      ctx.error(`Boundary event must be in the same scope as the activity '${host.id}' it is attached to`, node);
      continue;
    }
    (host.boundaryEvents ??= []).push(node.id);
  }
}

function fillScopes(graph: ProcessGraph): void {
  for (const node of Object.values(graph.nodes)) {
    const scope: ScopeSettings | undefined = node.parent === null ? graph.scope : graph.nodes[node.parent]?.scope;
    if (!scope) continue;
    if (node.kind === 'startEvent') scope.startEvents.push(node.id);
    else if (node.kind === 'eventSubProcess') scope.eventSubProcesses.push(node.id);
  }
}
