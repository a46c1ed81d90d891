/** XML → validated `ProcessGraph[]`. Never throws for bad input: problems are data. */
import { compileProcess } from './compile-process.js';
import { wrapMultiInstanceBodies } from './compile-multi-instance-body.js';
import { CompileContext } from './context.js';
import type { CompileResult, ProcessGraph } from './graph.js';
import type { ModdleElement } from './moddle-types.js';
import { scanDocument } from './positions.js';
import { computeInclusiveJoinSources, warnUnreachable } from './reachability.js';
import { normalizeXml } from './normalize-xml.js';
import { readXml } from './read-xml.js';
import { validateGraph } from './validate.js';

export const NO_EXECUTABLE_PROCESS = 'No executable process: set isExecutable="true" on at least one process';

export interface CompileOptions {
  /** parse the diagram interchange too instead of skipping it where that is safe (tests compare both) */
  parseDiagrams?: boolean;
}

export async function compileBpmn(original: string, options: CompileOptions = {}): Promise<CompileResult> {
  const xml = typeof original === 'string' ? normalizeXml(original) : original;
  const scan = typeof xml === 'string' ? scanDocument(xml, options.parseDiagrams !== true) : { positions: new Map(), diagrams: [] };
  const ctx = new CompileContext(scan.positions);
  const processes: ProcessGraph[] = [];
  try {
    const definitions = await readXml(xml, ctx, scan.diagrams);
    if (definitions) processes.push(...compileDefinitions(definitions, ctx));
  } catch (err) {
    // a bug in the compiler or a sibling module must not escape as a stack trace
    ctx.error(`Internal compiler error: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { processes, errors: ctx.errors, warnings: ctx.warnings };
}

function compileDefinitions(definitions: ModdleElement, ctx: CompileContext): ProcessGraph[] {
  const rootElements = (definitions.rootElements as ModdleElement[] | undefined) ?? [];
  const participantNames = new Map<string, string>();
  for (const root of rootElements) {
    if (root.$type !== 'bpmn:Collaboration') continue;
    for (const participant of (root.participants as ModdleElement[] | undefined) ?? []) {
      const processId = (participant.processRef as ModdleElement | undefined)?.id;
      if (processId !== undefined && typeof participant.name === 'string' && participant.name.trim() !== '') {
        participantNames.set(processId, participant.name.trim());
      }
    }
  }
  const graphs: ProcessGraph[] = [];
  for (const root of rootElements) {
    if (root.$type !== 'bpmn:Process' || root.isExecutable === false) continue;
    if (root.isExecutable !== true) {
      // Camunda 7 runs a process without the attribute (older tools and hand-written files omit it)
      ctx.warn('Process has no isExecutable attribute: it is deployed as executable, as Camunda 7 does', { id: root.id, $type: root.$type });
    }
    const graph = compileProcess(root, ctx, participantNames.get(root.id ?? ''));
    validateGraph(graph, ctx);
    warnUnreachable(graph, ctx);
    graph.inclusiveJoinSources = computeInclusiveJoinSources(graph);
    graphs.push(wrapMultiInstanceBodies(graph));
  }
  if (graphs.length === 0) ctx.error(NO_EXECUTABLE_PROCESS);
  return graphs;
}
