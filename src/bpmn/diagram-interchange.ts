/**
 * The diagram interchange (`<bpmndi:BPMNDiagram>`: shapes, edges, bounds, waypoints) is often
 * more than half of a modeler-saved file and the compiler reads none of it, so the reader leaves
 * it out of the text moddle parses (moddle builds an object per element: that was most of the
 * deploy time). Skipping it must not accept anything the full parse would refuse, so a section
 * is only skipped when it is plainly what moddle would read without a warning: the standard DI
 * elements in their standard places, only their own attributes (plus attributes of foreign
 * namespaces such as bpmn-js colours), no text, no duplicate ids, and every reference
 * (`bpmnElement`, `sourceElement`, …) naming an id of the document. Anything else, and the
 * whole document is parsed as before. The reader also falls back to the full parse whenever the
 * trimmed parse reports anything, so problems always come with positions in the original text.
 */

import type { StartTag } from './positions.js';

export interface DiagramRange {
  /** index of the `<` of `<bpmndi:BPMNDiagram` */
  start: number;
  /** index just after its end tag's `>` */
  end: number;
}

const BPMNDI = 'http://www.omg.org/spec/BPMN/20100524/DI';
const DC = 'http://www.omg.org/spec/DD/20100524/DC';
const DI = 'http://www.omg.org/spec/DD/20100524/DI';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
/** namespaces moddle knows here: attributes from these are checked (moddle warns on unknown ones) */
const KNOWN = new Set([
  BPMNDI,
  DC,
  DI,
  XSI,
  'http://www.omg.org/spec/BPMN/20100524/MODEL',
  'http://camunda.org/schema/1.0/bpmn',
  'http://camunda.org/schema/zeebe/1.0',
  'http://www.w3.org/XML/1998/namespace',
]);
const FOREIGN_NAME = /^[A-Za-z_][\w.-]*$/;
const REFERENCES = new Set(['bpmnElement', 'sourceElement', 'targetElement', 'labelStyle', 'choreographyActivityShape']);

interface Rule {
  attributes: ReadonlySet<string>;
  children: ReadonlySet<string>;
}

/** `xmlns:prefix="uri"` declarations of the root start tag (`''` for a default namespace). */
export function rootNamespaces(xml: string, start: number, end: number): Map<string, string> {
  const namespaces = new Map<string, string>();
  const declaration = /\sxmlns(?::([^\s=]+))?\s*=\s*(["'])([^"']*)\2/g;
  const tag = xml.slice(start, end);
  for (let match = declaration.exec(tag); match; match = declaration.exec(tag)) namespaces.set(match[1] ?? '', match[3]!);
  return namespaces;
}

export class DiagramChecker {
  /** inside a diagram section right now */
  active = false;
  private failed = false;
  private readonly stack: string[] = [];
  private rangeStart = 0;
  private readonly ranges: DiagramRange[] = [];
  private readonly references: string[] = [];

  private constructor(
    private readonly diagram: string,
    private readonly rules: ReadonlyMap<string, Rule>,
    private readonly foreign: ReadonlySet<string>,
    private readonly waypoint: string,
    private readonly pointType: string | null,
    private readonly xsiType: string | null,
  ) {}

  /** null when the root declares no BPMN DI namespace prefix (nothing is skipped then). */
  static forRoot(namespaces: Map<string, string>): DiagramChecker | null {
    const prefixOf = (uri: string) => {
      for (const [prefix, value] of namespaces) if (value === uri && prefix !== '') return prefix;
      return null;
    };
    const bpmndi = prefixOf(BPMNDI);
    if (bpmndi === null || namespaces.get('') === BPMNDI) return null;
    const dc = prefixOf(DC);
    const di = prefixOf(DI);
    const xsi = prefixOf(XSI);
    const q = (prefix: string | null, local: string) => (prefix === null ? '' : `${prefix}:${local}`);
    const set = (...items: string[]) => new Set(items.filter((item) => item !== ''));
    const rules = new Map<string, Rule>([
      [q(bpmndi, 'BPMNDiagram'), { attributes: set('id', 'name', 'documentation', 'resolution'), children: set(q(bpmndi, 'BPMNPlane'), q(bpmndi, 'BPMNLabelStyle')) }],
      [q(bpmndi, 'BPMNPlane'), { attributes: set('id', 'bpmnElement'), children: set(q(bpmndi, 'BPMNShape'), q(bpmndi, 'BPMNEdge')) }],
      [q(bpmndi, 'BPMNShape'), {
        attributes: set('id', 'bpmnElement', 'isHorizontal', 'isExpanded', 'isMarkerVisible', 'isMessageVisible', 'participantBandKind', 'choreographyActivityShape'),
        children: set(q(dc, 'Bounds'), q(bpmndi, 'BPMNLabel')),
      }],
      [q(bpmndi, 'BPMNEdge'), {
        attributes: set('id', 'bpmnElement', 'sourceElement', 'targetElement', 'messageVisibleKind'),
        children: set(q(di, 'waypoint'), q(bpmndi, 'BPMNLabel')),
      }],
      [q(bpmndi, 'BPMNLabel'), { attributes: set('id', 'labelStyle'), children: set(q(dc, 'Bounds')) }],
      [q(bpmndi, 'BPMNLabelStyle'), { attributes: set('id'), children: set(q(dc, 'Font')) }],
    ]);
    if (dc !== null) {
      rules.set(q(dc, 'Bounds'), { attributes: set('x', 'y', 'width', 'height'), children: set() });
      rules.set(q(dc, 'Font'), { attributes: set('name', 'size', 'isBold', 'isItalic', 'isUnderline', 'isStrikeThrough'), children: set() });
    }
    if (di !== null) rules.set(q(di, 'waypoint'), { attributes: set('x', 'y'), children: set() });
    const foreign = new Set<string>();
    for (const [prefix, uri] of namespaces) if (prefix !== '' && !KNOWN.has(uri)) foreign.add(prefix);
    return new DiagramChecker(q(bpmndi, 'BPMNDiagram'), rules, foreign, q(di, 'waypoint'), dc === null ? null : `${dc}:Point`, xsi === null ? null : `${xsi}:type`);
  }

  fail(): void {
    this.failed = true;
  }

  /** A start tag inside a diagram section, or any child of the root (`topLevel`). */
  startTag(xml: string, start: number, tag: StartTag, selfClosing: boolean, topLevel: boolean): void {
    if (this.failed) return;
    const name = xml.slice(start + 1, tag.nameEnd);
    if (!this.active) {
      if (!topLevel || name !== this.diagram) return;
      this.active = true;
      this.rangeStart = start;
    } else {
      const parent = this.rules.get(this.stack[this.stack.length - 1]!);
      if (!parent || !parent.children.has(name)) return this.fail();
    }
    const rule = this.rules.get(name);
    if (!rule || !this.attributesOk(xml, name, rule, tag)) return this.fail();
    if (!selfClosing) this.stack.push(name);
    else if (this.stack.length === 0) this.closed(tag.end);
  }

  /** `</name>` inside a diagram section; `close` is the index of its `>`. */
  endTag(xml: string, start: number, close: number): void {
    if (this.failed) return;
    if (close === -1) return this.fail();
    const name = xml.slice(start + 2, close).trimEnd();
    if (this.stack.pop() !== name) return this.fail();
    if (this.stack.length === 0) this.closed(close);
  }

  /** Text between tags inside a diagram section: only whitespace is allowed. */
  text(xml: string, from: number, to: number): void {
    if (this.failed) return;
    for (let i = from; i < to; i++) {
      const c = xml.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return this.fail();
    }
  }

  /** The sections to skip: all of them, or none when anything was doubtful. */
  result(ids: ReadonlyMap<string, unknown>): DiagramRange[] {
    if (this.failed || this.active) return [];
    for (const reference of this.references) if (!ids.has(reference)) return [];
    return this.ranges;
  }

  private closed(end: number): void {
    this.ranges.push({ start: this.rangeStart, end: end + 1 });
    this.active = false;
  }

  private attributesOk(xml: string, element: string, rule: Rule, tag: StartTag): boolean {
    for (let k = 0; k < tag.count; k++) {
      const name = tag.names[k]!;
      const from = tag.valueStarts[k]!;
      const to = tag.valueEnds[k]!;
      if (!tag.spaced[k] || from < 0) return false;
      for (let i = from; i < to; i++) {
        const c = xml.charCodeAt(i);
        if (c === 60 /* < */ || c === 38 /* & */) return false;
      }
      for (let j = 0; j < k; j++) if (tag.names[j] === name) return false;
      const colon = name.indexOf(':');
      if (colon === -1) {
        if (!rule.attributes.has(name)) return false;
        if (REFERENCES.has(name)) this.references.push(xml.slice(from, to));
        continue;
      }
      const prefix = name.slice(0, colon);
      if (this.foreign.has(prefix)) {
        if (!FOREIGN_NAME.test(name.slice(colon + 1))) return false;
        continue;
      }
      // older modelers write <di:waypoint xsi:type="dc:Point" …>
      if (name === this.xsiType && element === this.waypoint && xml.slice(from, to) === this.pointType) continue;
      return false;
    }
    return true;
  }
}
