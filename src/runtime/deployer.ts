import { createHash, randomUUID } from 'node:crypto';
import { compileBpmn } from '../bpmn/index.js';
import type { ProcessGraph, Problem } from '../bpmn/graph.js';
import { compileDmn, type DecisionGraph } from '../dmn/index.js';
import type { RepositoryReads } from '../store/engine-store.js';
import type { ChangeSet } from '../store/change-set.js';
import type { DefinitionRecord, DeploymentRecord } from '../store/records.js';
import type { DecisionDefinitionRecord } from '../store/decision-store.js';
import { BadRequestError, EngineError } from './errors.js';

export interface DeployResource {
  name: string;
  content: string | Buffer;
}

export interface DeployRequest {
  name?: string | null;
  source?: string | null;
  tenantId?: string | null;
  resources: DeployResource[];
  /** Camunda's enable-duplicate-filtering: an unchanged redeploy returns the existing deployment. Default true. */
  duplicateFiltering?: boolean;
  /** Camunda's deploy-changed-only: deploy only the resources that changed. */
  deployChangedOnly?: boolean;
}

export interface DeployResult {
  deployment: DeploymentRecord;
  /** null when duplicate filtering found nothing new (Camunda returns the old deployment then) */
  definitions: DefinitionRecord[] | null;
  /** the decision definitions stored (DMN resources); null when duplicate filtering found nothing new */
  decisionDefinitions?: DecisionDefinitionRecord[] | null;
  warnings: ResourceProblem[];
}

export interface ResourceProblem extends Problem {
  resource: string;
}

/** A diagram that cannot be deployed; the message lists every problem as Camunda's ENGINE-09005 does. */
export class ParseError extends EngineError {
  override readonly type = 'ParseException';
  constructor(
    readonly errors: ResourceProblem[],
    readonly warnings: ResourceProblem[],
  ) {
    super(`ENGINE-09005 Could not parse BPMN process. Errors: ${errors.map(formatProblem).join('')}`);
  }
}

export function formatProblem(p: ResourceProblem): string {
  const where = p.elementId ? ` (${p.elementType ? `${p.elementType} ` : ''}'${p.elementId}')` : '';
  const position = p.line ? ` | line ${p.line} | column ${p.column ?? 0}` : '';
  return `\n* ${p.message}${where} | resource ${p.resource}${position}`;
}

const BPMN_RESOURCE = /\.(bpmn|bpmn20\.xml)$/i;
export const DMN_RESOURCE = /\.(dmn|dmn11\.xml)$/i;
const MAX_RESOURCE_NAME = 255;

export interface PreparedDeployment {
  request: DeployRequest;
  resources: Array<{ name: string; content: Buffer; sha256: string; processes: ProcessGraph[]; decisions?: DecisionGraph }>;
  warnings: ResourceProblem[];
}

/** Compiles every BPMN resource (outside any transaction: this is the slow part). */
export async function prepareDeployment(request: DeployRequest): Promise<PreparedDeployment> {
  if (!request || !Array.isArray(request.resources) || request.resources.length === 0) {
    throw new BadRequestError('No deployment resources contained in the request');
  }
  const errors: ResourceProblem[] = [];
  const warnings: ResourceProblem[] = [];
  const resources: PreparedDeployment['resources'] = [];
  const seen = new Set<string>();
  for (const resource of request.resources) {
    checkResourceName(resource.name);
    if (seen.has(resource.name)) throw new BadRequestError(`Resource '${resource.name}' appears twice in one deployment`);
    seen.add(resource.name);
    const content = typeof resource.content === 'string' ? Buffer.from(resource.content, 'utf8') : Buffer.from(resource.content);
    const sha256 = createHash('sha256').update(content).digest('hex');
    let processes: ProcessGraph[] = [];
    if (BPMN_RESOURCE.test(resource.name)) {
      const result = await compileBpmn(decodeXml(content));
      errors.push(...result.errors.map((p) => ({ ...p, resource: resource.name })));
      warnings.push(...result.warnings.map((p) => ({ ...p, resource: resource.name })));
      processes = result.processes;
    }
    let decisions: DecisionGraph | undefined;
    if (DMN_RESOURCE.test(resource.name)) {
      const result = await compileDmn(decodeXml(content));
      errors.push(...result.errors.map((p) => ({ ...p, resource: resource.name })));
      warnings.push(...result.warnings.map((p) => ({ ...p, resource: resource.name })));
      decisions = result.graph;
    }
    resources.push({ name: resource.name, content, sha256, processes, ...(decisions ? { decisions } : {}) });
  }
  if (errors.length > 0) throw new ParseError(errors, warnings);
  return { request, resources, warnings };
}

/** A stored deployment and the resources it holds (all, or the changed ones). */
export interface StoredDeployment {
  result: DeployResult;
  resources: PreparedDeployment['resources'];
}

/**
 * Stores a prepared deployment, versioning its definitions: reads the repository, appends the
 * rows to the command's change set. Runs inside a command.
 */
export function storeDeployment(
  repo: RepositoryReads,
  changes: ChangeSet,
  prepared: PreparedDeployment,
  now: number,
  /** called for each stored definition with its compiled graph (so nobody re-parses what was just compiled) */
  onStored?: (definition: DefinitionRecord, graph: ProcessGraph) => void,
): StoredDeployment {
  const { request } = prepared;
  const name = request.name ?? null;
  const source = request.source ?? null;
  const tenantId = request.tenantId ?? null;
  let resources = prepared.resources;
  if (request.duplicateFiltering !== false || request.deployChangedOnly) {
    const changed = resources.filter((r) => repo.latestResourceHash(r.name, name, source, tenantId) !== r.sha256);
    if (changed.length === 0) {
      const existing = repo.latestDeploymentNamed(name, source, tenantId);
      if (existing) return { result: { deployment: existing, definitions: null, warnings: prepared.warnings }, resources: [] };
    }
    if (request.deployChangedOnly) resources = changed;
  }
  const deployment: DeploymentRecord = { id: randomUUID(), name, source, tenantId, deployedAt: now };
  changes.add({ kind: 'insertDeployment', deployment });
  const definitions: DefinitionRecord[] = [];
  const keys = new Set<string>();
  for (const resource of resources) {
    changes.add({ kind: 'insertResource', resource: { id: randomUUID(), deploymentId: deployment.id, name: resource.name, sha256: resource.sha256 }, content: resource.content });
    for (const graph of resource.processes) {
      if (keys.has(graph.id)) throw new BadRequestError(`Process '${graph.id}' is defined twice in one deployment`);
      keys.add(graph.id);
      const version = repo.nextVersion(graph.id, tenantId);
      const definition: DefinitionRecord = {
        id: `${graph.id}:${version}:${randomUUID()}`,
        key: graph.id,
        version,
        versionTag: graph.versionTag ?? null,
        name: graph.name ?? null,
        deploymentId: deployment.id,
        resourceName: resource.name,
        sha256: resource.sha256,
        tenantId,
        deployedAt: now,
      };
      changes.add({ kind: 'insertDefinition', definition, graph: JSON.stringify(graph) });
      definitions.push(definition);
      onStored?.(definition, graph);
    }
  }
  return { result: { deployment, definitions, warnings: prepared.warnings }, resources };
}

function checkResourceName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_RESOURCE_NAME) {
    throw new BadRequestError(`Invalid resource name: 1 to ${MAX_RESOURCE_NAME} characters required`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name) || name.split(/[\\/]/).includes('..') || /^([\\/]|[a-zA-Z]:)/.test(name)) {
    throw new BadRequestError(`Invalid resource name '${name.replace(/[^\x20-\x7e]/g, '?')}': no control characters, '..' segments or absolute paths`);
  }
}

/** BPMN files are UTF-8 (a BOM is fine); anything else is refused with a clear message by the parser. */
function decodeXml(content: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(content);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
