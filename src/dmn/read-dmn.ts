/**
 * DMN XML → moddle tree, with the Camunda extensions (`camunda:inputVariable`, `camunda:versionTag`).
 * Never throws: malformed XML becomes one problem with the line and column from moddle's message.
 * DOCTYPE / ENTITY declarations are refused outright, as for BPMN.
 */
import { createRequire } from 'node:module';
import { DmnModdle, type ModdleWarning } from 'dmn-moddle';
import type { Problem } from '../bpmn/graph.js';
import type { ModdleElement } from '../bpmn/moddle-types.js';
import { positionAt } from '../bpmn/positions.js';

const require = createRequire(import.meta.url);
let moddle: DmnModdle | undefined;

function getModdle(): DmnModdle {
  moddle ??= new DmnModdle({ camunda: require('camunda-dmn-moddle/resources/camunda.json') as Record<string, unknown> });
  return moddle;
}

const FORBIDDEN = /<!DOCTYPE|<!ENTITY/i;
const DMN13 = 'https://www.omg.org/spec/DMN/20191111/MODEL/';
const OLDER = /xmlns(?::\w+)?="(http:\/\/www\.omg\.org\/spec\/DMN\/20151101\/dmn\.xsd|http:\/\/www\.omg\.org\/spec\/DMN\/20180521\/MODEL\/)"/;

export interface ReadResult {
  root?: ModdleElement;
  errors: Problem[];
}

export async function readDmn(xml: string): Promise<ReadResult> {
  if (typeof xml !== 'string' || xml.trim() === '') return fail({ message: 'Empty document: expected DMN 1.3 XML', line: 1, column: 1 });
  const forbidden = FORBIDDEN.exec(xml);
  if (forbidden) return fail({ message: 'DOCTYPE and ENTITY declarations are not allowed in DMN documents', ...positionAt(xml, forbidden.index) });
  if (!xml.includes(DMN13)) {
    const older = OLDER.exec(xml);
    if (older) {
      const version = older[1]!.includes('20151101') ? '1.1' : '1.2';
      return fail({ message: `DMN ${version} is not supported: open the file in a current Camunda Modeler and save it as DMN 1.3`, ...positionAt(xml, older.index) });
    }
  }
  let result;
  try {
    result = await getModdle().fromXML(xml);
  } catch (err) {
    const error = err as Error & { warnings?: ModdleWarning[] };
    const located = locate(error.message);
    const detail = error.warnings?.[0] ? locate(error.warnings[0].message) : undefined;
    const best = located.line !== undefined ? located : (detail ?? located);
    return fail({ message: `Malformed XML: ${best.reason}`, ...(best.line !== undefined ? { line: best.line, column: best.column } : {}) });
  }
  const errors: Problem[] = [];
  for (const warning of result.warnings) errors.push(fromWarning(warning));
  const root = result.rootElement as ModdleElement | undefined;
  if (!root || root.$type !== 'dmn:Definitions') {
    errors.push({ message: `Not a DMN 1.3 document: the root element must be definitions in namespace ${DMN13}`, line: 1, column: 1 });
    return { errors };
  }
  return { root, errors };
}

function fail(problem: Problem): ReadResult {
  return { errors: [problem] };
}

interface Located {
  reason: string;
  line?: number;
  column?: number;
}

/** moddle: "unparsable content <x> detected\n\tline: 3\n\tcolumn: 0\n\tnested error: ..." (0-based). */
function locate(message: string): Located {
  const line = /\bline: (\d+)/.exec(message);
  const column = /\bcolumn: (\d+)/.exec(message);
  const nested = /nested error: (.*)$/m.exec(message)?.[1];
  const located: Located = { reason: nested ?? message.split('\n')[0]! };
  if (line && column) {
    located.line = Number(line[1]) + 1;
    located.column = Number(column[1]) + 1;
  }
  return located;
}

/** Moddle warnings mean part of the document was dropped: they are errors here. */
function fromWarning(warning: ModdleWarning): Problem {
  const located = locate(warning.message);
  const at = located.line !== undefined ? { line: located.line, column: located.column } : {};
  const unknown = /unknown type <([^>]*)>/.exec(warning.message);
  if (unknown) return { message: `Unknown element ${unknown[1]}: not part of DMN 1.3 or the Camunda extensions`, ...at };
  const duplicate = /duplicate ID <([^>]*)>/.exec(warning.message);
  if (duplicate) return { message: `Duplicate id '${duplicate[1]}'`, elementId: duplicate[1], ...at };
  return { message: located.reason, ...at };
}
