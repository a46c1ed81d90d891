/**
 * One linear scan of the raw XML: the line and column of every start tag that carries an
 * `id="..."` attribute. Comments, CDATA sections, processing instructions and end tags are
 * skipped; quoted attribute values may contain `>`.
 *
 * The same pass finds the diagram interchange (`<bpmndi:BPMNDiagram>` children of the root) and
 * checks it strictly (see diagram-interchange.ts): the reader then leaves that part out of the
 * text moddle parses, since nothing the compiler reads lives there.
 */
import { DiagramChecker, rootNamespaces, type DiagramRange } from './diagram-interchange.js';

export interface Position {
  line: number;
  column: number;
}

export type Positions = ReadonlyMap<string, Position>;

export interface DocumentScan {
  positions: Positions;
  /** the diagram sections that may be left out of the parse; empty when there are none or any doubt */
  diagrams: DiagramRange[];
}

const NEWLINE = 10;

export function scanPositions(xml: string): Positions {
  return scanDocument(xml, false).positions;
}

/** Positions of every id, plus (when `diagrams` is true) the diagram sections that are safe to skip. */
export function scanDocument(xml: string, diagrams = true): DocumentScan {
  const positions = new Map<string, Position>();
  let line = 1;
  let lineStart = 0;
  let counted = 0; // newlines are counted up to here
  const advanceTo = (index: number): void => {
    for (let i = counted; i < index; i++) {
      if (xml.charCodeAt(i) === NEWLINE) {
        line++;
        lineStart = i + 1;
      }
    }
    counted = Math.max(counted, index);
  };

  const tag = newStartTag();
  let checker: DiagramChecker | null = null;
  let duplicate = false;
  let depth = 0;
  let rootSeen = false;
  let i = xml.indexOf('<');
  while (i !== -1 && i < xml.length) {
    const inDiagram = checker !== null && checker.active;
    if (xml.startsWith('<!--', i)) {
      i = nextTag(xml, xml.indexOf('-->', i + 4), 3, checker);
      continue;
    }
    if (xml.startsWith('<![CDATA[', i)) {
      if (inDiagram) checker!.fail();
      i = nextTag(xml, xml.indexOf(']]>', i + 9), 3, checker);
      continue;
    }
    const next = xml.charCodeAt(i + 1);
    if (next === 63 /* ? */ || next === 33 /* ! */) {
      if (inDiagram) checker!.fail();
      i = nextTag(xml, xml.indexOf('>', i + 1), 1, checker);
      continue;
    }
    if (next === 47 /* / */) {
      const close = xml.indexOf('>', i + 1);
      depth--;
      if (inDiagram) checker!.endTag(xml, i, close);
      i = nextTag(xml, close, 1, checker);
      continue;
    }
    tag.collect = inDiagram || (checker !== null && depth === 1);
    scanStartTag(xml, i, tag);
    if (tag.id !== undefined) {
      if (!positions.has(tag.id)) {
        advanceTo(i);
        positions.set(tag.id, { line, column: i - lineStart + 1 });
      } else {
        duplicate = true;
      }
    }
    if (tag.end === -1) break;
    const selfClosing = xml.charCodeAt(tag.end - 1) === 47; /* / */
    if (!rootSeen) {
      rootSeen = true;
      if (diagrams) checker = DiagramChecker.forRoot(rootNamespaces(xml, i, tag.end));
    } else if (checker !== null && (inDiagram || depth === 1)) {
      checker.startTag(xml, i, tag, selfClosing, depth === 1);
    }
    if (!selfClosing) depth++;
    i = nextTag(xml, tag.end, 1, checker);
  }
  return { positions, diagrams: checker !== null && !duplicate ? checker.result(positions) : [] };
}

/** 1-based line and column of a character index. */
export function positionAt(xml: string, index: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < xml.length; i++) {
    if (xml.charCodeAt(i) === NEWLINE) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

function nextTag(xml: string, end: number, length: number, checker: DiagramChecker | null): number {
  if (end === -1) {
    checker?.fail();
    return -1;
  }
  const next = xml.indexOf('<', end + length);
  if (checker !== null && checker.active) checker.text(xml, end + length, next === -1 ? xml.length : next);
  return next;
}

/** A start tag as read by `scanStartTag`; one object is reused for every tag. */
export interface StartTag {
  /** index of the closing `>`, or -1 */
  end: number;
  /** index just after the element name */
  nameEnd: number;
  id: string | undefined;
  /** collect the attributes below (only inside diagram sections) */
  collect: boolean;
  /** attributes collected: name, value start and end (exclusive), whitespace before the name */
  count: number;
  names: string[];
  valueStarts: number[];
  valueEnds: number[];
  spaced: boolean[];
}

function newStartTag(): StartTag {
  return { end: -1, nameEnd: 0, id: undefined, collect: false, count: 0, names: [], valueStarts: [], valueEnds: [], spaced: [] };
}

function collect(out: StartTag, name: string, valueStart: number, valueEnd: number, spaced: boolean): void {
  const k = out.count++;
  out.names[k] = name;
  out.valueStarts[k] = valueStart;
  out.valueEnds[k] = valueEnd;
  out.spaced[k] = spaced;
}

/** Reads the start tag at `start` into `out`: its id value, its attributes when asked, the index of its `>`. */
function scanStartTag(xml: string, start: number, out: StartTag): void {
  out.id = undefined;
  out.end = -1;
  out.count = 0;
  let i = start + 1;
  const n = xml.length;
  while (i < n && !isSpace(xml.charCodeAt(i)) && xml[i] !== '>' && xml[i] !== '/') i++;
  out.nameEnd = i;
  while (i < n) {
    const c = xml[i];
    if (c === '>') {
      out.end = i;
      return;
    }
    if (isSpace(xml.charCodeAt(i)) || c === '/') {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < n && xml[i] !== '=' && xml[i] !== '>' && !isSpace(xml.charCodeAt(i))) i++;
    const name = xml.slice(nameStart, i);
    while (i < n && isSpace(xml.charCodeAt(i))) i++;
    if (xml[i] !== '=') {
      if (out.collect) collect(out, name, -1, -1, false); // not name="value": never a valid diagram attribute
      continue;
    }
    i++;
    while (i < n && isSpace(xml.charCodeAt(i))) i++;
    const quote = xml[i];
    if (quote !== '"' && quote !== "'") {
      if (out.collect) collect(out, name, -1, -1, false);
      continue;
    }
    const close = xml.indexOf(quote, i + 1);
    if (close === -1) return;
    if (name === 'id') out.id = decodeEntities(xml.slice(i + 1, close));
    if (out.collect) collect(out, name, i + 1, close, isSpace(xml.charCodeAt(nameStart - 1)));
    i = close + 1;
  }
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

export function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
