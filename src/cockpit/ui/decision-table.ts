/** A read-only dmn-js view of one decision, with the rules that fired in an evaluation highlighted. */
import * as ViewerModule from 'dmn-js/lib/Viewer.js';

/** The parts of dmn-js's API the cockpit uses (it ships no typings). */
interface DmnView {
  id: string;
  type: 'drd' | 'decisionTable' | 'literalExpression' | string;
  element: { id: string };
}
interface DmnViewer {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  getViews(): DmnView[];
  open(view: DmnView): Promise<unknown>;
  destroy(): void;
}
type ViewerClass = new (options: { container: HTMLElement }) => DmnViewer;

const Viewer = (ViewerModule as unknown as { default: ViewerClass }).default;

export const FIRED = 'cp-fired-rule';

export class DecisionTableView {
  private readonly viewer: DmnViewer;

  constructor(readonly container: HTMLElement) {
    this.viewer = new Viewer({ container });
  }

  /** Shows the decision `decisionId` of the DMN XML (its table or literal expression); false when the file has no view for it. */
  async show(xml: string, decisionId: string): Promise<boolean> {
    await this.viewer.importXML(xml);
    const view = this.viewer.getViews().find((v) => v.element.id === decisionId && v.type !== 'drd');
    if (!view) return false;
    await this.viewer.open(view);
    return true;
  }

  /** Marks the cells of these rules (dmn-js renders every cell of a rule with `data-row-id`). */
  highlight(ruleIds: readonly string[]): number {
    this.container.querySelectorAll(`.${FIRED}`).forEach((cell) => cell.classList.remove(FIRED));
    let marked = 0;
    for (const id of ruleIds) {
      this.container.querySelectorAll(`[data-row-id="${CSS.escape(id)}"]`).forEach((cell) => {
        cell.classList.add(FIRED);
        marked++;
      });
    }
    return marked;
  }

  destroy(): void {
    this.viewer.destroy();
  }
}
