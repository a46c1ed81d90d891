/**
 * Lenient spellings Camunda 7 accepts but moddle's strict reader does not, rewritten before
 * parsing without moving anything else in the text (every rewrite keeps the text's length and
 * its line breaks, so positions found later still point at the original XML):
 * - whitespace around `=` in an attribute (`id = "a"`, legal XML) → `id="a"` and the spaces after it;
 * - surrounding whitespace in ids and id references (`id=" task "`) → trimmed;
 * - a namespace prefix on a reference (`messageRef="tns:invoice"`, a QName) → the local id;
 * - the Activiti extension namespace, which Camunda 7 still reads as its own → the Camunda one
 *   (the only rewrite that changes a length: columns later on that line move, lines do not).
 * Attribute values and everything outside start tags are left alone.
 */
const ACTIVITI = 'http://activiti.org/bpmn';
const CAMUNDA = 'http://camunda.org/schema/1.0/bpmn';

/** Attributes holding an element id or a reference to one (the targets of moddle's reference resolution). */
const ID_ATTRIBUTES = new Set([
  'id', 'sourceRef', 'targetRef', 'attachedToRef', 'default', 'messageRef', 'signalRef', 'errorRef',
  'escalationRef', 'processRef', 'bpmnElement', 'sourceElement', 'targetElement', 'operationRef', 'dataObjectRef',
]);

/** Quick test: is any rewrite possibly needed? (Most documents need none: leave them untouched.) */
const MAYBE = /\s=|=\s|(?:Ref|id|default|Element)="(?:\s|[A-Za-z_][\w.-]*:)|"http:\/\/activiti\.org\/bpmn"/;

export function normalizeXml(xml: string): string {
  if (!MAYBE.test(xml)) return xml;
  const out: string[] = [];
  let copied = 0;
  let i = xml.indexOf('<');
  while (i !== -1 && i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      i = after(xml, xml.indexOf('-->', i + 4), 3);
      continue;
    }
    if (xml.startsWith('<![CDATA[', i)) {
      i = after(xml, xml.indexOf(']]>', i + 9), 3);
      continue;
    }
    const next = xml[i + 1];
    if (next === '?' || next === '!' || next === '/') {
      i = after(xml, xml.indexOf('>', i + 1), 1);
      continue;
    }
    const end = rewriteStartTag(xml, i, out, copied);
    if (end === -1) break;
    copied = end.copied;
    i = after(xml, end.close, 1);
  }
  if (copied === 0) return xml;
  out.push(xml.slice(copied));
  return out.join('');
}

function after(xml: string, index: number, length: number): number {
  return index === -1 ? -1 : xml.indexOf('<', index + length);
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/**
 * Scans one start tag; rewrites the attributes that need it into `out` (copying the text since
 * `copied`). Returns the index of the tag's `>` and how far the text has been copied, or -1.
 */
function rewriteStartTag(xml: string, start: number, out: string[], copiedSoFar: number): { close: number; copied: number } | -1 {
  let copied = copiedSoFar;
  let i = start + 1;
  const n = xml.length;
  while (i < n && !isSpace(xml[i]) && xml[i] !== '>' && xml[i] !== '/') i++;
  while (i < n) {
    const c = xml[i];
    if (c === '>') return { close: i, copied };
    if (isSpace(c) || c === '/') {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < n && xml[i] !== '=' && xml[i] !== '>' && !isSpace(xml[i])) i++;
    const nameEnd = i;
    while (i < n && isSpace(xml[i])) i++;
    if (xml[i] !== '=') continue; // not an attribute: moddle reports it
    i++;
    while (i < n && isSpace(xml[i])) i++;
    const quote = xml[i];
    if (quote !== '"' && quote !== "'") continue;
    const close = xml.indexOf(quote, i + 1);
    if (close === -1) return -1;
    const name = xml.slice(nameStart, nameEnd);
    const local = name.slice(name.indexOf(':') + 1);
    const raw = xml.slice(i + 1, close);
    const namespace = name === 'xmlns' || name.startsWith('xmlns:');
    const value = namespace ? (raw === ACTIVITI ? CAMUNDA : raw) : ID_ATTRIBUTES.has(local) ? idValue(raw, local !== 'id') : raw;
    const spaced = i !== nameEnd + 1;
    if (spaced || value !== raw) {
      const rewritten = `${name}=${quote}${value}${quote}`;
      const at = raw.indexOf(value);
      const dropped = xml.slice(nameEnd, i).replace('=', '') + (at === -1 ? '' : raw.slice(0, at) + raw.slice(at + value.length));
      // the removed characters follow the attribute as spaces, line breaks kept
      out.push(xml.slice(copied, nameStart), rewritten, dropped.replace(/[^\n\r]/g, ' '));
      copied = close + 1;
    }
    i = close + 1;
  }
  return -1;
}

/** An id (trimmed) or a reference (trimmed, namespace prefix dropped). */
function idValue(raw: string, reference: boolean): string {
  const trimmed = raw.trim();
  if (!reference) return trimmed;
  const colon = trimmed.indexOf(':');
  return colon > 0 && /^[A-Za-z_][\w.-]*$/.test(trimmed.slice(0, colon)) ? trimmed.slice(colon + 1) : trimmed;
}
