/**
 * Conditional start events of processes (Camunda 7's `createConditionEvaluation()
 * .evaluateStartConditions()`, `POST /condition`): every conditional start event of the latest
 * version of each process (or of one given definition) is evaluated against the given variables;
 * each one that holds starts an instance there. A start event with `camunda:variableName` is
 * evaluated only when that variable is given. Nothing is stored at deploy time: the latest
 * versions are the subscriptions.
 */
import type { FlowNode } from '../../bpmn/graph.js';
import type { DefinitionRecord, InstanceRecord } from '../../store/records.js';
import type { EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import type { Variables } from '../variables.js';
import { BadRequestError } from '../errors.js';
import { evaluateCondition } from '../../expressions/index.js';
import { startInstance } from '../commands/instance-commands.js';
import { isMissingVariable } from '../processors/conditional-trigger.js';

export interface ConditionEvaluation {
  /** what the conditions see, and what the started instances get (except `transientVariables`) */
  variables?: Variables;
  /** names among `variables` used for evaluation only, never stored */
  transientVariables?: readonly string[];
  businessKey?: string | null;
  /** evaluate this definition only (any version) */
  processDefinitionId?: string;
  tenantId?: string | null;
  withoutTenantId?: boolean;
  actor?: string | null;
}

export function evaluateStartConditions(core: EngineCore, request: ConditionEvaluation, effects: Effect[]): InstanceRecord[] {
  if (request.tenantId != null && request.withoutTenantId) {
    throw new BadRequestError("Parameter 'tenantId' cannot be used together with parameter 'withoutTenantId'.");
  }
  const candidates = candidatesOf(core, request);
  const variables = request.variables ?? {};
  const transient = new Set(request.transientVariables ?? []);
  const stored: Variables = Object.fromEntries(Object.entries(variables).filter(([name]) => !transient.has(name)));
  const started: InstanceRecord[] = [];
  for (const { definition, starts } of candidates) {
    for (const start of starts) {
      if (!startConditionHolds(start, definition, variables)) continue;
      started.push(startInstance(core, definition, {
        startEventId: start.id,
        variables: stored,
        businessKey: request.businessKey ?? null,
        actor: request.actor ?? null,
      }, effects));
    }
  }
  return started;
}

interface Candidate {
  definition: DefinitionRecord;
  starts: FlowNode[];
}

function candidatesOf(core: EngineCore, request: ConditionEvaluation): Candidate[] {
  if (request.processDefinitionId !== undefined) {
    const definition = core.repository.getDefinition(request.processDefinitionId);
    if (!definition) throw new BadRequestError(`no deployed process definition found with id '${request.processDefinitionId}': processDefinition is null`);
    const starts = conditionalStarts(core, definition);
    if (starts.length === 0) throw new BadRequestError(`Process definition with id ${definition.id} does not declare conditional start event`);
    return [{ definition, starts }];
  }
  const candidates: Candidate[] = [];
  for (const definition of core.repository.latestDefinitions()) {
    if (request.tenantId != null && definition.tenantId !== request.tenantId) continue;
    if (request.withoutTenantId && definition.tenantId !== null) continue;
    const starts = conditionalStarts(core, definition);
    if (starts.length > 0) candidates.push({ definition, starts });
  }
  if (candidates.length === 0) throw new BadRequestError('No subscriptions were found during evaluation of the conditional start events.');
  return candidates;
}

function conditionalStarts(core: EngineCore, definition: DefinitionRecord): FlowNode[] {
  const graph = core.services.graphOf(definition.id);
  return graph.scope.startEvents.map((id) => graph.nodes[id]!).filter((node) => node.event?.type === 'conditional');
}

function startConditionHolds(start: FlowNode, definition: DefinitionRecord, variables: Variables): boolean {
  const settings = start.event!.conditional!;
  if (settings.variableName !== undefined && !Object.hasOwn(variables, settings.variableName)) return false;
  try {
    return evaluateCondition(settings.condition, variables, { elementId: start.id, processDefinitionKey: definition.key });
  } catch (error) {
    if (isMissingVariable(error)) return false;
    throw new BadRequestError(`Condition of start event '${start.id}' of process '${definition.key}': ${(error as Error).message}`);
  }
}
