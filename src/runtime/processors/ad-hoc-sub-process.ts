/**
 * Ad-hoc sub-processes (BPMN 2.0 §10.3.5, §13.3.5; Camunda 8's "Ad-hoc sub-processes"). The inner
 * elements have no start event: which of them start is decided here.
 * - `bpmn` activation (the Camunda 7 / BPMN reading): every inner element without an incoming flow
 *   starts when the sub-process does, all at once (`ordering="Parallel"`) or one after another in
 *   document order (`Sequential`).
 * - `zeebe` activation: the element ids `activeElementsCollection` evaluates to start; with none,
 *   the sub-process stays active until `POST /v2/element-instances/ad-hoc-activities/{key}/activation`
 *   starts some (`activateAdHocElements`).
 * - `jobWorker` activation (`zeebe:taskDefinition` on the sub-process): a job asks its worker what
 *   to do; the job result (`activateElements`, `isCompletionConditionFulfilled`,
 *   `isCancelRemainingInstances`) says, and each time an inner flow ends a new job asks again
 *   (one job at a time: a job still pending is replaced).
 * Camunda 8 flavours get `adHocSubProcessElements` (id, name, documentation of each element it
 * can start) as a local variable, for workers to choose from.
 * Each time a token inside ends, `outputElement` is appended to `outputCollection` and the
 * `completionCondition` is tested: when it holds, the inner elements still running are cancelled
 * (`cancelRemainingInstances`, the default) or awaited, and nothing new starts. Without a
 * condition the sub-process completes when nothing inside runs any more (in `bpmn` activation,
 * also when the condition is false but nothing is left to run: nothing else could start one).
 */
import type { FlowNode } from '../../bpmn/graph.js';
import type { ElementProcessor } from './processor.js';
import type { Step, ElementInstance } from '../step.js';
import type { Variables } from '../variables.js';
import { BadRequestError, IncidentError } from '../errors.js';
import { checkActivatable, decisionOf, type AdHocActivation } from './ad-hoc-activation.js';

export type { AdHocActivation } from './ad-hoc-activation.js';

export const adHocSubProcess: ElementProcessor = {
  onActivate(step, ei, node) {
    const adHoc = node.adHoc!;
    // also called again when an incident here is resolved: start only once, but ask a worker again
    if (ei.data.adHoc) {
      if (adHoc.activation === 'jobWorker' && !ei.data.adHoc.completing && step.childrenOf(ei.id).length === 0) askWorker(step, ei, node);
      return;
    }
    const initial = adHoc.activation === 'bpmn' ? adHoc.activatable : adHoc.activation === 'zeebe' ? elementsOfCollection(step, ei, node) : [];
    ei.data = { ...ei.data, adHoc: { queued: [], completing: false } };
    ei.changed = true;
    step.services.processors.eventSubProcess.armScope(step, ei);
    if (adHoc.activation !== 'bpmn') step.setLocalVariable(ei.id, 'adHocSubProcessElements', elementsToOffer(step, node));
    if (adHoc.outputCollection) step.setLocalVariable(ei.id, adHoc.outputCollection, []);
    if (adHoc.activation === 'jobWorker') return askWorker(step, ei, node);
    startElements(step, ei, node, initial.map((elementId) => ({ elementId })));
  },
  onJobCompleted(step, ei, node, variables, result) {
    const state = ei.data.adHoc;
    if (!state) return;
    const decision = decisionOf(node, result);
    step.setVariables(ei.id, variables);
    if (decision.completionConditionFulfilled) {
      conditionFulfilled(step, ei, decision.cancelRemainingInstances);
      if (step.childrenOf(ei.id).length === 0) finishAdHoc(step, ei, node);
      return;
    }
    startElements(step, ei, node, decision.activateElements);
    if (step.childrenOf(ei.id).length === 0) {
      // nothing runs and nothing was started: no inner flow will end to ask the worker again
      throw new IncidentError(`The job worker of ad-hoc sub-process '${node.id}' activated no element and did not fulfil the completion condition while nothing runs inside; resolve this incident to ask it again`);
    }
  },
  onTerminate(step, ei) {
    step.cancelJobsOf(ei);
  },
  onTokenEnded(step, ei, node) {
    const adHoc = node.adHoc!;
    const state = ei.data.adHoc;
    if (!state) return;
    if (adHoc.outputCollection && adHoc.outputElement) collectOutput(step, ei, node);
    if (adHoc.activation === 'jobWorker') {
      if (!state.completing) return askWorker(step, ei, node);
      if (step.childrenOf(ei.id).length === 0) finishAdHoc(step, ei, node);
      return;
    }
    if (!state.completing && adHoc.completionCondition && step.evaluateCondition(adHoc.completionCondition, step.visibleVariables(ei.id), node)) {
      conditionFulfilled(step, ei, adHoc.cancelRemainingInstances);
    }
    if (step.childrenOf(ei.id).length > 0) return;
    if (state.queued.length > 0) return enterNext(step, ei);
    if (state.completing || !adHoc.completionCondition || adHoc.activation === 'bpmn') finishAdHoc(step, ei, node);
  },
};

/**
 * Starts inner elements of a running ad-hoc sub-process (the /v2 activation). Refused with a
 * BadRequestError, before anything starts, when an id is not an element it can start or its
 * completion condition already held.
 */
export function activateAdHocElements(step: Step, ei: ElementInstance, node: FlowNode, elements: readonly AdHocActivation[], cancelRemaining = false): void {
  const state = ei.data.adHoc;
  if (!node.adHoc || ei.state !== 'active' || !state) {
    throw new BadRequestError(`Element instance ${ei.id} ('${node.id}') is not an active ad-hoc sub-process`);
  }
  if (state.completing) throw new BadRequestError(`Ad-hoc sub-process '${node.id}' is completing: its completion condition holds`);
  checkActivatable(node, elements);
  if (cancelRemaining) for (const child of step.childrenOf(ei.id)) step.transitions.terminate(child);
  startElements(step, ei, node, elements);
}

/** The completion condition holds: nothing new starts; the elements still running are cancelled or awaited. */
function conditionFulfilled(step: Step, ei: ElementInstance, cancelRemaining: boolean): void {
  const state = ei.data.adHoc!;
  state.completing = true;
  state.queued = [];
  ei.changed = true;
  if (cancelRemaining) for (const child of step.childrenOf(ei.id)) step.transitions.terminate(child);
}

/** `activeElementsCollection`: a list of the ids of elements the sub-process can start, else an incident. */
function elementsOfCollection(step: Step, ei: ElementInstance, node: FlowNode): string[] {
  const adHoc = node.adHoc!;
  if (!adHoc.activeElementsCollection) return [];
  const value = step.evaluate(adHoc.activeElementsCollection, step.visibleVariables(ei.id), node);
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) {
    throw new IncidentError(`activeElementsCollection of '${node.id}' (${adHoc.activeElementsCollection.source}) must be a list of element ids, but it is ${JSON.stringify(value ?? null).slice(0, 80)}`);
  }
  const unknown = (value as string[]).filter((id) => !adHoc.activatable.includes(id));
  if (unknown.length > 0) {
    throw new IncidentError(`activeElementsCollection of '${node.id}' names ${unknown.map((id) => `'${id}'`).join(', ')}, which it cannot activate (it can: ${adHoc.activatable.map((id) => `'${id}'`).join(', ')})`);
  }
  return value as string[];
}

/** Parallel: all now. Sequential: the first now (unless one runs), the rest queued. */
function startElements(step: Step, ei: ElementInstance, node: FlowNode, elements: readonly AdHocActivation[]): void {
  if (node.adHoc!.ordering === 'Parallel') {
    for (const element of elements) enterElement(step, ei, element);
    return;
  }
  const state = ei.data.adHoc!;
  const [first, ...rest] = elements;
  if (!first) return;
  state.queued.push(...rest.map((e) => e.elementId));
  ei.changed = true;
  if (step.childrenOf(ei.id).length === 0) enterElement(step, ei, first);
  else state.queued.unshift(first.elementId);
}

function enterNext(step: Step, ei: ElementInstance): void {
  const next = ei.data.adHoc!.queued.shift()!;
  ei.changed = true;
  enterElement(step, ei, { elementId: next });
}

function enterElement(step: Step, ei: ElementInstance, element: AdHocActivation): void {
  const inner = step.transitions.enter(step.graph.nodes[element.elementId]!, ei.id);
  for (const [name, value] of Object.entries(element.variables ?? {})) step.setLocalVariable(inner.id, name, value);
}

function collectOutput(step: Step, ei: ElementInstance, node: FlowNode): void {
  const { outputCollection, outputElement } = node.adHoc!;
  const visible = step.visibleVariables(ei.id);
  const collected = Array.isArray(visible[outputCollection!]) ? (visible[outputCollection!] as unknown[]) : [];
  const value = step.evaluate(outputElement!, visible, node);
  step.setLocalVariable(ei.id, outputCollection!, [...collected, value === undefined ? null : value]);
}

function finishAdHoc(step: Step, ei: ElementInstance, node: FlowNode): void {
  const { outputCollection, activation } = node.adHoc!;
  if (activation === 'jobWorker') step.cancelJobsOf(ei);
  if (outputCollection) step.setVariable(ei.parentId, outputCollection, step.visibleVariables(ei.id)[outputCollection] ?? []);
  step.transitions.complete(ei);
}

/** The job worker implementation: (re)create the one job that asks the worker what to do next. */
function askWorker(step: Step, ei: ElementInstance, node: FlowNode): void {
  if (!node.job) throw new IncidentError(`Ad-hoc sub-process '${node.id}' has no job type`);
  step.cancelJobsOf(ei);
  step.createTaskJob(ei, node, node.job.topic);
}

/** What Camunda 8 offers a worker in `adHocSubProcessElements`. */
function elementsToOffer(step: Step, node: FlowNode): Array<Record<string, unknown>> {
  return node.adHoc!.activatable.map((id) => {
    const inner = step.graph.nodes[id]!;
    return { elementId: id, elementName: inner.name ?? null, documentation: inner.documentation ?? null, properties: inner.properties ?? {}, parameters: [] };
  });
}
