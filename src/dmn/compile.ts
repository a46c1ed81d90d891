/**
 * DMN 1.3 XML → validated, JSON-serialisable `DecisionGraph`. Every problem is reported with
 * the element id, line and column (the same position scan as BPMN), and any error means no graph.
 */
import { CompileContext } from '../bpmn/context.js';
import type { ModdleElement } from '../bpmn/moddle-types.js';
import { scanPositions } from '../bpmn/positions.js';
import { compileDmnExpression, languageOf } from './compile-expression.js';
import { compileTable } from './compile-table.js';
import type { Decision, DecisionGraph, DecisionLogic, DmnCompileResult } from './graph.js';
import { readDmn } from './read-dmn.js';
import { isKnownTypeRef, KNOWN_TYPE_REFS } from './type-refs.js';

export async function compileDmn(xml: string): Promise<DmnCompileResult> {
  const read = await readDmn(xml);
  if (!read.root) return { graph: undefined, errors: read.errors, warnings: [] };
  const ctx = new CompileContext(scanPositions(xml));
  ctx.errors.push(...read.errors);
  const definitions = read.root;
  const graph: DecisionGraph = { id: (definitions.id as string | undefined) ?? 'definitions', decisions: {} };
  if (!definitions.id) ctx.error('The definitions element has no id', definitions);
  if (definitions.name) graph.name = definitions.name as string;
  if (definitions.namespace) graph.namespace = definitions.namespace as string;

  for (const element of (definitions.drgElement as ModdleElement[] | undefined) ?? []) {
    switch (element.$type) {
      case 'dmn:Decision': {
        const decision = compileDecision(element, definitions, ctx);
        if (decision) graph.decisions[decision.id] = decision;
        break;
      }
      case 'dmn:InputData':
      case 'dmn:KnowledgeSource':
        break;
      default:
        ctx.warn(`${element.$type.replace('dmn:', '')} elements are not evaluated by this engine`, element);
    }
  }
  if (Object.keys(graph.decisions).length === 0 && ctx.errors.length === 0) ctx.error('The DMN file has no decision', definitions);
  checkRequirements(graph, ctx);
  return { graph: ctx.errors.length === 0 ? graph : undefined, errors: ctx.errors, warnings: ctx.warnings };
}

function compileDecision(element: ModdleElement, definitions: ModdleElement, ctx: CompileContext): Decision | undefined {
  const id = element.id as string | undefined;
  if (!id) {
    ctx.error('Decision has no id', element);
    return undefined;
  }
  const requiredDecisions: string[] = [];
  for (const requirement of (element.informationRequirement as ModdleElement[] | undefined) ?? []) {
    const href = (requirement.requiredDecision as ModdleElement | undefined)?.href as string | undefined;
    if (href !== undefined) requiredDecisions.push(href.replace(/^#/, ''));
  }
  if (((element.knowledgeRequirement as unknown[] | undefined) ?? []).length > 0) {
    ctx.error('Business knowledge models (knowledgeRequirement) are not supported: write the logic into the decision', element);
  }
  const logic = compileLogic(element, definitions, ctx);
  if (!logic) return undefined;
  const decision: Decision = { id, requiredDecisions, logic };
  if (element.name) decision.name = element.name as string;
  if (element.versionTag) decision.versionTag = element.versionTag as string;
  if (element.historyTimeToLive) decision.historyTimeToLive = element.historyTimeToLive as string;
  const position = ctx.positions.get(id);
  if (position) {
    decision.line = position.line;
    decision.column = position.column;
  }
  return decision;
}

function compileLogic(decision: ModdleElement, definitions: ModdleElement, ctx: CompileContext): DecisionLogic | undefined {
  const logic = decision.decisionLogic as ModdleElement | undefined;
  if (!logic) {
    ctx.error('Decision has no decision table or literal expression', decision);
    return undefined;
  }
  switch (logic.$type) {
    case 'dmn:DecisionTable':
      return compileTable(logic, decision, definitions, ctx);
    case 'dmn:LiteralExpression': {
      const text = (logic.text as string | undefined)?.trim();
      const at = logic.id ? logic : decision;
      if (!text) {
        ctx.error('Literal expression is empty', at);
        return undefined;
      }
      const expression = compileDmnExpression(text, languageOf(logic, definitions), at, 'literal expression', ctx);
      if (!expression) return undefined;
      const variable = decision.variable as ModdleElement | undefined;
      const compiled: DecisionLogic = { kind: 'literal', id: (logic.id as string | undefined) ?? `${decision.id as string}_literal`, variableName: (variable?.name as string | undefined) || (decision.id as string), expression };
      const typeRef = (variable?.typeRef as string | undefined)?.trim();
      if (typeRef) {
        if (isKnownTypeRef(typeRef)) compiled.typeRef = typeRef;
        else ctx.error(`Unknown type '${typeRef}': use one of ${KNOWN_TYPE_REFS}`, variable?.id ? variable : decision);
      }
      return compiled;
    }
    default:
      ctx.error(`Decision logic ${logic.$type.replace('dmn:', '')} is not supported: use a decision table or a literal expression`, decision);
      return undefined;
  }
}

/** Required decisions must exist in the same file and must not form a cycle. */
function checkRequirements(graph: DecisionGraph, ctx: CompileContext): void {
  const decisions = graph.decisions;
  for (const decision of Object.values(decisions)) {
    for (const required of decision.requiredDecisions) {
      if (!decisions[required]) ctx.error(`Required decision '${required}' is not defined in this file`, { id: decision.id, type: 'dmn:Decision' });
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done' || !decisions[id]) return;
    if (state.get(id) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      const key = [...cycle].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        ctx.error(`Cycle in required decisions: ${cycle.join(' → ')}`, { id, type: 'dmn:Decision' });
      }
      return;
    }
    state.set(id, 'visiting');
    for (const required of decisions[id]!.requiredDecisions) visit(required, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of Object.keys(decisions)) visit(id, []);
}
