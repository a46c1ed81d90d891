import * as ViewerModule from 'bpmn-js/lib/NavigatedViewer.js';
import { h } from './dom.js';

/** The parts of bpmn-js's API the cockpit uses (its own typings do not load under NodeNext). */
interface Canvas {
  zoom(level?: 'fit-viewport' | number, center?: 'auto' | { x: number; y: number }): number;
  scroll(delta: { dx: number; dy: number }): void;
  addMarker(element: string, marker: string): void;
  removeMarker(element: string, marker: string): void;
}
interface Overlays {
  add(element: string, type: string, overlay: { position: { top?: number; right?: number; bottom?: number; left?: number }; html: HTMLElement; scale?: { min?: number; max?: number } | boolean }): string;
  remove(filter: { type: string }): void;
}
interface DiagramElement {
  id: string;
  type: string;
  businessObject: { name?: string; $type: string; $instanceOf(type: string): boolean };
}
interface ElementRegistry {
  get(id: string): unknown;
  filter(fn: (element: DiagramElement) => boolean): DiagramElement[];
}
interface EventBus {
  on(event: 'element.click', fn: (event: { element: DiagramElement }) => void): void;
}
interface BpmnViewer {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  get(name: 'canvas'): Canvas;
  get(name: 'overlays'): Overlays;
  get(name: 'elementRegistry'): ElementRegistry;
  get(name: 'eventBus'): EventBus;
  destroy(): void;
}
type ViewerClass = new (options: { container: HTMLElement; keyboard?: { bindTo?: unknown } }) => BpmnViewer;

const NavigatedViewer = (ViewerModule as unknown as { default: ViewerClass }).default;

/** Badges keep at least their CSS size however far the diagram is zoomed out (fit-to-width on a long process). */
const BADGE_SCALE = { min: 1 };

export interface ElementCount {
  elementId: string;
  active: number;
  incidents: number;
}

/**
 * One bpmn-js viewer. The XML is imported once; markers and badges are replaced on every refresh
 * without re-rendering the diagram (so zoom and scroll stay where the user put them).
 */
export class Diagram {
  private readonly viewer: BpmnViewer;
  private markers: Array<[string, string]> = [];
  private loaded: string | null = null;

  constructor(readonly container: HTMLElement) {
    container.classList.add('diagram');
    container.setAttribute('role', 'img');
    this.viewer = new NavigatedViewer({ container });
    container.addEventListener('keydown', (event) => this.onKey(event));
  }

  /**
   * Keyboard navigation once the diagram has focus (Tab to it): arrows pan (Shift: further),
   * + and − zoom around the centre, 0 fits the whole diagram. Ctrl/Cmd+arrows stay bpmn-js's own.
   */
  private onKey(event: KeyboardEvent): void {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const step = event.shiftKey ? 200 : 60;
    switch (event.key) {
      case 'ArrowLeft':
        this.pan(step, 0);
        break;
      case 'ArrowRight':
        this.pan(-step, 0);
        break;
      case 'ArrowUp':
        this.pan(0, step);
        break;
      case 'ArrowDown':
        this.pan(0, -step);
        break;
      case '+':
      case '=':
        this.zoomBy(1.25);
        break;
      case '-':
      case '_':
        this.zoomBy(0.8);
        break;
      case '0':
        this.fit();
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  pan(dx: number, dy: number): void {
    this.viewer.get('canvas').scroll({ dx, dy });
  }

  /** Zooms around the middle of the view, between 5 % and 400 %. */
  zoomBy(factor: number): void {
    const canvas = this.viewer.get('canvas');
    const scale = Math.min(4, Math.max(0.05, canvas.zoom() * factor));
    canvas.zoom(scale, { x: this.container.clientWidth / 2, y: this.container.clientHeight / 2 });
  }

  /** The current zoom level (1 = 100 %). */
  get scale(): number {
    return this.viewer.get('canvas').zoom();
  }

  /** Imports the XML unless it is the one already shown. */
  async show(xml: string, label: string): Promise<void> {
    this.container.setAttribute('aria-label', `BPMN diagram of ${label}`);
    if (this.loaded === xml) return;
    await this.viewer.importXML(xml);
    this.loaded = xml;
    this.viewer.get('canvas').zoom('fit-viewport', 'auto');
  }

  private has(id: string): boolean {
    return Boolean(this.viewer.get('elementRegistry').get(id));
  }

  /** Active elements, visited elements and taken flows, as CSS markers. */
  mark(classes: Record<string, string[]>): void {
    const canvas = this.viewer.get('canvas');
    for (const [id, marker] of this.markers) canvas.removeMarker(id, marker);
    this.markers = [];
    for (const [marker, ids] of Object.entries(classes)) {
      for (const id of ids) {
        if (!this.has(id)) continue;
        canvas.addMarker(id, marker);
        this.markers.push([id, marker]);
      }
    }
  }

  /** Badges per element: active tokens (bottom left) and incidents (bottom right). */
  badges(counts: ElementCount[]): void {
    const overlays = this.viewer.get('overlays');
    overlays.remove({ type: 'cockpit-badge' });
    for (const c of counts) {
      if (!this.has(c.elementId)) continue;
      if (c.active > 0) {
        overlays.add(c.elementId, 'cockpit-badge', {
          position: { bottom: 10, left: -8 },
          scale: BADGE_SCALE,
          html: h('span', { class: 'token-badge', title: `${c.active} active token${c.active === 1 ? '' : 's'}`, 'data-badge': 'active', 'data-element': c.elementId }, String(c.active)),
        });
      }
      if (c.incidents > 0) {
        overlays.add(c.elementId, 'cockpit-badge', {
          position: { bottom: 10, right: 10 },
          scale: BADGE_SCALE,
          html: h('span', { class: 'incident-badge', title: `${c.incidents} incident${c.incidents === 1 ? '' : 's'}`, 'data-badge': 'incident', 'data-element': c.elementId }, String(c.incidents)),
        });
      }
    }
  }

  fit(): void {
    this.viewer.get('canvas').zoom('fit-viewport', 'auto');
  }

  /** The flow nodes drawn (activities, events, gateways), in drawing order: what a modification can start at. */
  flowNodes(): Array<{ id: string; name: string | null; type: string }> {
    return this.viewer.get('elementRegistry')
      .filter((el) => el.type !== 'label' && el.businessObject.$instanceOf('bpmn:FlowNode'))
      .map((el) => ({ id: el.id, name: el.businessObject.name ?? null, type: el.businessObject.$type.replace(/^bpmn:/, '') }));
  }

  /** Calls `fn` with the id of a flow node the user clicks. */
  onFlowNodeClick(fn: (elementId: string) => void): void {
    this.viewer.get('eventBus').on('element.click', ({ element }) => {
      if (element.type !== 'label' && element.businessObject.$instanceOf('bpmn:FlowNode')) fn(element.id);
    });
  }

  private selected: string | null = null;

  /** Outlines one element (the one a panel works on); null clears it. */
  select(elementId: string | null): void {
    const canvas = this.viewer.get('canvas');
    if (this.selected && this.has(this.selected)) canvas.removeMarker(this.selected, 'cp-selected');
    this.selected = elementId && this.has(elementId) ? elementId : null;
    if (this.selected) canvas.addMarker(this.selected, 'cp-selected');
  }

  destroy(): void {
    this.viewer.destroy();
  }
}

/** A diagram with its zoom buttons and keyboard navigation (the viewer's own mouse navigation also works). */
export function diagramPanel(): { panel: HTMLElement; diagram: Diagram } {
  const canvas = h('div', { class: 'diagram-canvas' });
  const diagram = new Diagram(canvas);
  const panel = h('section', { class: 'diagram-panel' },
    canvas,
    h('div', { class: 'diagram-tools' },
      h('button', { type: 'button', 'data-action': 'zoom-in', 'aria-label': 'Zoom in', onclick: () => diagram.zoomBy(1.25), title: 'Zoom in (+)' }, '+'),
      h('button', { type: 'button', 'data-action': 'zoom-out', 'aria-label': 'Zoom out', onclick: () => diagram.zoomBy(0.8), title: 'Zoom out (−)' }, '−'),
      h('button', { type: 'button', onclick: () => diagram.fit(), title: 'Fit the diagram to the view (0)' }, 'Fit')),
    h('p', { class: 'small muted diagram-keys' }, 'Keyboard: Tab to the diagram, then arrows pan, + and − zoom, 0 fits.'));
  return { panel, diagram };
}
