/** Minimal typing for bpmn-auto-layout (the package ships none). */
declare module 'bpmn-auto-layout' {
  /** The XML with a diagram (BPMNDiagram, shapes and edges) for the first process. */
  export function layoutProcess(xml: string): Promise<string>;
}
