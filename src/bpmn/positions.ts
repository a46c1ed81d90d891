/**
 * One linear scan of the raw XML: the line and column of every start tag that carries an
 * `id="..."` attribute. Comments, CDATA sections, processing instructions and end tags are
 * skipped; quoted attribute values may contain `>`.
 */
export interface Position {
  line: number;
  column: number;
}

export type Positions = ReadonlyMap<string, Position>;

const NEWLINE = 10;

export function scanPositions(xml: string): Positions {
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

  let i = xml.indexOf('<');
  while (i !== -1 && i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      i = nextTag(xml, xml.indexOf('-->', i + 4), 3);
      continue;
    }
    if (xml.startsWith('<![CDATA[', i)) {
      i = nextTag(xml, xml.indexOf(']]>', i + 9), 3);
      continue;
    }
    const next = xml.charCodeAt(i + 1);
    if (next === 63 /* ? */ || next === 33 /* ! */ || next === 47 /* / */) {
      i = nextTag(xml, xml.indexOf('>', i + 1), 1);
      continue;
    }
    const end = scanStartTag(xml, i, (id) => {
      if (!positions.has(id)) {
        advanceTo(i);
        positions.set(id, { line, column: i - lineStart + 1 });
      }
    });
    i = nextTag(xml, end, 1);
  }
  return positions;
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

function nextTag(xml: string, end: number, length: number): number {
  if (end === -1) return -1;
  return xml.indexOf('<', end + length);
}

/** Reads the attributes of the start tag at `start`; reports an `id` value; returns the index of its `>`. */
function scanStartTag(xml: string, start: number, onId: (id: string) => void): number {
  let i = start + 1;
  const n = xml.length;
  while (i < n && !isSpace(xml.charCodeAt(i)) && xml[i] !== '>' && xml[i] !== '/') i++;
  while (i < n) {
    const c = xml[i];
    if (c === '>') return i;
    if (isSpace(xml.charCodeAt(i)) || c === '/') {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < n && xml[i] !== '=' && xml[i] !== '>' && !isSpace(xml.charCodeAt(i))) i++;
    const name = xml.slice(nameStart, i);
    while (i < n && isSpace(xml.charCodeAt(i))) i++;
    if (xml[i] !== '=') continue;
    i++;
    while (i < n && isSpace(xml.charCodeAt(i))) i++;
    const quote = xml[i];
    if (quote !== '"' && quote !== "'") continue;
    const close = xml.indexOf(quote, i + 1);
    if (close === -1) return -1;
    if (name === 'id') onId(decodeEntities(xml.slice(i + 1, close)));
    i = close + 1;
  }
  return -1;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
