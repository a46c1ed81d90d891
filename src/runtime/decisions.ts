/**
 * Deployed decisions at run time: finds the decision definition a call names (binding latest,
 * deployment, version or versionTag), keeps compiled graphs, evaluates, and writes one audit row
 * per decision evaluated (required decisions linked to the root one) to the running command's
 * change set. Used by business-rule tasks inside a step and by the REST evaluate endpoints,
 * always inside a command.
 */
import type { EvaluationContext } from '../expressions/index.js';
import { evaluateDecision, type Decision, type DecisionGraph, type RuleResult } from '../dmn/index.js';
import type { DecisionDefinitionRecord, DecisionInstanceRecord, DecisionStore } from '../store/decision-store.js';
import type { ChangeSet } from '../store/change-set.js';
import { NotFoundError } from './errors.js';
import { newId } from './ids.js';

export interface DecisionCall {
  key: string;
  binding: 'latest' | 'deployment' | 'version' | 'versionTag';
  version?: number;
  versionTag?: string;
  tenantId?: string | null;
  /** binding `deployment`: the deployment of the calling process */
  deploymentId?: string;
}

/** Where an evaluation happened, for the audit trail. */
export interface DecisionAudit {
  instanceId?: string | null;
  definitionId?: string | null;
  definitionKey?: string | null;
  elementId?: string | null;
  elementInstanceId?: string | null;
  tenantId?: string | null;
  userId?: string | null;
}

export interface DecisionOutcome {
  definition: DecisionDefinitionRecord;
  decision: Decision;
  result: RuleResult[];
  /** the audit row of the decision asked for */
  decisionInstanceId: string;
  records: DecisionInstanceRecord[];
}

export class DecisionService {
  private readonly graphs = new Map<string, DecisionGraph>();

  constructor(
    readonly store: DecisionStore,
    /** the deployment of a process definition (binding `deployment`) */
    readonly deploymentOf: (processDefinitionId: string) => string | undefined,
    /** the change set of the running command, where the audit rows go */
    private readonly changes: () => ChangeSet,
  ) {}

  definition(id: string): DecisionDefinitionRecord {
    const definition = this.store.get(id);
    if (!definition) throw new NotFoundError(`No decision definition with id '${id}'`);
    return definition;
  }

  /** The definition a call names; NotFoundError saying what was looked for when there is none. */
  resolve(call: DecisionCall): DecisionDefinitionRecord {
    const tenantId = call.tenantId ?? null;
    let found: DecisionDefinitionRecord | undefined;
    let how: string;
    switch (call.binding) {
      case 'latest':
        found = this.store.latest(call.key, tenantId);
        how = '';
        break;
      case 'version':
        found = call.version === undefined ? undefined : this.store.byVersion(call.key, call.version, tenantId);
        how = ` and version ${call.version}`;
        break;
      case 'versionTag':
        found = call.versionTag === undefined ? undefined : this.store.byVersionTag(call.key, call.versionTag, tenantId);
        how = ` and version tag '${call.versionTag}'`;
        break;
      case 'deployment':
        found = call.deploymentId === undefined ? undefined : this.store.inDeployment(call.key, call.deploymentId);
        how = ` in deployment '${call.deploymentId}'`;
        break;
    }
    if (!found) throw new NotFoundError(`No decision definition with key '${call.key}'${how}${tenantId === null ? '' : ` for tenant '${tenantId}'`}`);
    return found;
  }

  graph(definitionId: string): DecisionGraph {
    let graph = this.graphs.get(definitionId);
    if (!graph) {
      const json = this.store.graphJson(definitionId);
      if (json === undefined) throw new NotFoundError(`No decision definition with id '${definitionId}'`);
      graph = JSON.parse(json) as DecisionGraph;
      this.graphs.set(definitionId, graph);
    }
    return graph;
  }

  remember(definitionId: string, graph: DecisionGraph): void {
    this.graphs.set(definitionId, graph);
  }

  /** Evaluates and records; throws DecisionEvaluationError (nothing recorded) when the decision fails. */
  evaluate(definition: DecisionDefinitionRecord, variables: Readonly<Record<string, unknown>>, audit: DecisionAudit, now: number, context?: EvaluationContext): DecisionOutcome {
    const graph = this.graph(definition.id);
    const evaluation = evaluateDecision(graph, definition.key, variables, context);
    const rootId = newId();
    const records = evaluation.records.map((record): DecisionInstanceRecord => {
      const isRoot = record.decisionId === definition.key;
      const recordDefinition = isRoot ? definition : (this.store.inDeployment(record.decisionId, definition.deploymentId) ?? definition);
      return {
        id: isRoot ? rootId : newId(),
        decisionDefinitionId: recordDefinition.id,
        decisionKey: record.decisionId,
        decisionVersion: recordDefinition.version,
        decisionName: record.decisionName,
        drdKey: graph.id,
        rootDecisionInstanceId: isRoot ? null : rootId,
        instanceId: audit.instanceId ?? null,
        definitionId: audit.definitionId ?? null,
        definitionKey: audit.definitionKey ?? null,
        elementId: audit.elementId ?? null,
        elementInstanceId: audit.elementInstanceId ?? null,
        tenantId: audit.tenantId ?? definition.tenantId,
        userId: audit.userId ?? null,
        evaluatedAt: now,
        inputs: record.inputs,
        outputs: record.outputs,
        matchedRules: record.matchedRules,
        collectResultValue: record.collectResultValue ?? null,
      };
    });
    this.changes().add({ kind: 'insertDecisionInstances', records });
    return { definition, decision: graph.decisions[definition.key]!, result: evaluation.result, decisionInstanceId: rootId, records };
  }
}
