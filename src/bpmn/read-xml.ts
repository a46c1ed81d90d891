/**
 * XML → moddle tree, with the Camunda 7 (`camunda:`) and Camunda 8 (`zeebe:`) extensions.
 * Never throws: malformed XML becomes one error with the line and column from moddle's message.
 * DOCTYPE / ENTITY declarations are refused outright (XXE and entity-expansion defence).
 */
import { createRequire } from 'node:module';
import { BpmnModdle, type ModdleWarning } from 'bpmn-moddle';
import type { CompileContext } from './context.js';
import type { ModdleElement } from './moddle-types.js';
import type { DiagramRange } from './diagram-interchange.js';
import { positionAt } from './positions.js';

const require = createRequire(import.meta.url);

interface ModdlePackage {
  types: Array<{ name: string }>;
  [key: string]: unknown;
}

let moddle: BpmnModdle | undefined;

function getModdle(): BpmnModdle {
  if (moddle) return moddle;
  const camunda = withDecisionRefVersionTag(require('camunda-bpmn-moddle/resources/camunda.json') as ModdlePackage);
  const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json') as ModdlePackage;
  // Both packages define the modeler-template attributes on the same BPMN types, which moddle
  // refuses to merge; the engine never reads them, so the Zeebe copies are dropped.
  const zeebeWithoutTemplates: ModdlePackage = {
    ...zeebe,
    types: zeebe.types.filter((type) => type.name !== 'TemplateSupported' && type.name !== 'TemplatedRootElement'),
  };
  moddle = new BpmnModdle({ camunda, zeebe: zeebeWithoutTemplates });
  return moddle;
}

/**
 * Camunda 7.19+ and the Modeler write `camunda:decisionRefVersionTag` on business-rule tasks
 * (binding versionTag); camunda-bpmn-moddle's schema lacks it, so it is added to DmnCapable here.
 */
function withDecisionRefVersionTag(camunda: ModdlePackage): ModdlePackage {
  const types = camunda.types as Array<{ name: string; properties?: Array<{ name: string }> }>;
  return {
    ...camunda,
    types: types.map((type) =>
      type.name === 'DmnCapable' && !type.properties?.some((p) => p.name === 'decisionRefVersionTag')
        ? { ...type, properties: [...(type.properties ?? []), { name: 'decisionRefVersionTag', isAttr: true, type: 'String' }] }
        : type,
    ),
  };
}

const FORBIDDEN = /<!DOCTYPE|<!ENTITY/i;

/**
 * Parse; on failure push errors into `ctx` and return undefined. `skip` are diagram sections the
 * scan found safe to leave out (diagram-interchange.ts); if the trimmed text gives any warning
 * or error, the whole text is parsed again so every problem is reported as before.
 */
export async function readXml(xml: string, ctx: CompileContext, skip: readonly DiagramRange[] = []): Promise<ModdleElement | undefined> {
  if (typeof xml !== 'string' || xml.trim() === '') {
    ctx.errors.push({ message: 'Empty document: expected BPMN 2.0 XML', line: 1, column: 1 });
    return undefined;
  }
  const forbidden = FORBIDDEN.exec(xml);
  if (forbidden) {
    ctx.errors.push({
      message: 'DOCTYPE and ENTITY declarations are not allowed in BPMN documents',
      ...positionAt(xml, forbidden.index),
    });
    return undefined;
  }

  if (skip.length > 0) {
    try {
      const trimmed = await getModdle().fromXML(withoutRanges(xml, skip));
      const root = trimmed.rootElement as ModdleElement | undefined;
      if (trimmed.warnings.length === 0 && root?.$type === 'bpmn:Definitions') return root;
    } catch {
      // parsed again below, with the original text's positions
    }
  }

  let result;
  try {
    result = await getModdle().fromXML(xml);
  } catch (err) {
    const error = err as Error & { warnings?: ModdleWarning[] };
    const located = parseModdleMessage(error.message);
    const first = error.warnings?.[0];
    const detail = first ? parseModdleMessage(first.message) : undefined;
    const best = located.line !== undefined ? located : (detail ?? located);
    ctx.errors.push({
      message: `Malformed XML: ${best.reason ?? error.message}`,
      ...(best.line !== undefined ? { line: best.line, column: best.column } : {}),
    });
    return undefined;
  }

  for (const warning of result.warnings) reportWarning(warning, ctx);
  const root = result.rootElement as ModdleElement | undefined;
  if (!root || root.$type !== 'bpmn:Definitions') {
    ctx.errors.push({ message: 'Not a BPMN document: the root element must be bpmn:definitions', line: 1, column: 1 });
    return undefined;
  }
  return root;
}

function withoutRanges(xml: string, ranges: readonly DiagramRange[]): string {
  let out = '';
  let from = 0;
  for (const range of ranges) {
    out += xml.slice(from, range.start);
    from = range.end;
  }
  return out + xml.slice(from);
}

interface ModdleMessage {
  reason?: string;
  tag?: string;
  line?: number;
  column?: number;
}

/** moddle: "unparsable content <x> detected\n\tline: 3\n\tcolumn: 0\n\tnested error: ..." (0-based). */
function parseModdleMessage(message: string): ModdleMessage {
  const out: ModdleMessage = {};
  const line = /\bline: (\d+)/.exec(message);
  const column = /\bcolumn: (\d+)/.exec(message);
  if (line && column) {
    out.line = Number(line[1]) + 1;
    out.column = Number(column[1]) + 1;
  }
  const nested = /nested error: (.*)$/m.exec(message);
  const tag = /unparsable content (<[^>\s]*>?)/.exec(message);
  if (tag) out.tag = tag[1];
  if (nested) out.reason = nested[1];
  else out.reason = message.split('\n')[0];
  if (nested && tag && tag[1]) out.reason = `${nested[1]} at ${tag[1]}`;
  return out;
}

/** Moddle warnings mean part of the document was dropped or left dangling: they are errors here. */
function reportWarning(warning: ModdleWarning, ctx: CompileContext): void {
  const parsed = parseModdleMessage(warning.message);
  const at = parsed.line !== undefined ? { line: parsed.line, column: parsed.column } : {};
  const duplicate = /duplicate ID <([^>]*)>/.exec(warning.message);
  if (duplicate) {
    const tag = parsed.tag?.replace(/^<|>$/g, '');
    ctx.errors.push({ message: `Duplicate id '${duplicate[1]}'`, elementId: duplicate[1], ...(tag ? { elementType: tag } : {}), ...at });
    return;
  }
  const unknown = /unknown type <([^>]*)>/.exec(warning.message);
  if (unknown) {
    const tag = parsed.tag?.replace(/^<|>$/g, '') ?? unknown[1];
    if (tag.startsWith('camunda:')) {
      // a Camunda extension element from a newer version: Camunda 7 ignores what it does not know
      ctx.warnings.push({ message: `Unknown extension element ${tag} is ignored`, elementType: tag, ...at });
      return;
    }
    ctx.errors.push({ message: `Unknown element ${tag}: not part of BPMN 2.0 or the Camunda extensions`, elementType: tag, ...at });
    return;
  }
  const unknownAttribute = /unknown attribute <(camunda:[^>]*)>/.exec(warning.message);
  if (unknownAttribute) {
    // Camunda 7 ignores extension attributes it does not know (newer Modeler versions write some)
    ctx.warn(`Unknown attribute ${unknownAttribute[1]} is ignored`, warning.element as ModdleElement | undefined);
    return;
  }
  const unresolved = /unresolved reference <([^>]*)>/.exec(warning.message);
  if (unresolved) {
    const element = warning.element as ModdleElement | undefined;
    if (lenientReference(unresolved[1]!, warning.property, element, ctx)) return;
    const problem = ctx.problem(
      `Reference to unknown element '${unresolved[1]}'${warning.property ? ` in ${warning.property}` : ''}`,
      element,
    );
    ctx.errors.push(problem);
    return;
  }
  ctx.errors.push({ message: parsed.reason ?? warning.message, ...at });
}

/**
 * References Camunda 7 does not resolve, or resolves without an element: a warning (or nothing)
 * instead of an error. True when handled.
 */
function lenientReference(reference: string, property: string | undefined, element: ModdleElement | undefined, ctx: CompileContext): boolean {
  if ((property === 'bpmn:errorRef' || property === 'bpmn:loopDataInputRef') && element) {
    // Camunda 7 uses the text itself: as the error code, as the collection variable's name
    ctx.textReferences.set(element, { ...ctx.textReferences.get(element), [property]: reference });
    return true;
  }
  if (element?.$type.startsWith('bpmndi:') || property === 'bpmndi:bpmnElement') {
    ctx.warn(`Diagram element points at unknown element '${reference}': ignored (the diagram is presentation only)`, element);
    return true;
  }
  if (property === 'bpmn:loopDataOutputRef') {
    // Camunda 7 reads no output collection from standard BPMN data: it ignores the reference
    ctx.warn(`loopDataOutputRef '${reference}' is ignored (collect outputs with an output mapping)`, element);
    return true;
  }
  if (property === 'bpmn:incoming' || property === 'bpmn:outgoing') {
    // the sequence flows themselves say what is connected; these lists only repeat it
    ctx.warn(`Reference to unknown sequence flow '${reference}' in ${property} is ignored`, element);
    return true;
  }
  return false;
}
