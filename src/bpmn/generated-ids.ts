/**
 * Ids for elements written without one. Camunda 7 runs id-less sequence flows (and BPMN allows
 * omitting ids where nothing refers to the element); the engine needs an id for every element
 * instance and history row, so each gets one derived from what it is and where it goes: the same
 * document always yields the same ids, and each generated id is reported as a warning.
 */
import type { CompileContext } from './context.js';
import { text, type ModdleElement } from './moddle-types.js';

export class GeneratedIds {
  private readonly taken = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly ctx: CompileContext) {}

  /** `Flow_<source>_<target>` (with `_2`, `_3`… for parallel flows between the same pair). */
  forFlow(flow: ModdleElement): string {
    const source = text((flow.sourceRef as ModdleElement | undefined)?.id) ?? 'unknown';
    const target = text((flow.targetRef as ModdleElement | undefined)?.id) ?? 'unknown';
    const id = this.unique(`Flow_${source}_${target}`);
    this.ctx.warn(`Sequence flow from '${source}' to '${target}' has no id: it is given the id '${id}'`, { $type: flow.$type });
    return id;
  }

  /** `<ElementType>_<n>`, numbered in document order per type. */
  forNode(element: ModdleElement): string {
    const type = element.$type.replace(/^bpmn:/, '');
    const n = (this.counters.get(type) ?? 0) + 1;
    this.counters.set(type, n);
    const id = this.unique(`${type}_${n}`);
    this.ctx.warn(`${type} has no id: it is given the id '${id}'`, { $type: element.$type });
    return id;
  }

  private unique(base: string): string {
    let id = base;
    for (let k = 2; this.taken.has(id) || this.ctx.positions.has(id); k++) id = `${base}_${k}`;
    this.taken.add(id);
    return id;
  }
}
