/** One moddle flow node → one `FlowNode` (settings per element family; flows are wired later). */
import { callsDecision, compileBusinessRule } from './compile-business-rule.js';
import { compileCallActivity } from './compile-call-activity.js';
import { compileActivationCondition } from './compile-complex-gateway.js';
import { compileEvent, messageEvent } from './compile-event.js';
import { compileMultiInstance } from './compile-multi-instance.js';
import { compileStandardLoop } from './compile-standard-loop.js';
import { adHocElementProperties, compileAdHoc } from './compile-ad-hoc.js';
import { compileJob, compileScript, compileUserTask, requiredJob } from './compile-task.js';
import type { CompileContext } from './context.js';
import { camundaIo, warnCamundaListeners } from './extensions-camunda.js';
import { zeebeIo } from './extensions-zeebe.js';
import type { FlowNode, IoMapping, NodeKind } from './graph.js';
import { extension, text, type ModdleElement } from './moddle-types.js';

export const KINDS: Readonly<Record<string, NodeKind>> = {
  'bpmn:StartEvent': 'startEvent',
  'bpmn:EndEvent': 'endEvent',
  'bpmn:IntermediateCatchEvent': 'intermediateCatchEvent',
  'bpmn:IntermediateThrowEvent': 'intermediateThrowEvent',
  'bpmn:BoundaryEvent': 'boundaryEvent',
  'bpmn:Task': 'task',
  'bpmn:ManualTask': 'manualTask',
  'bpmn:ServiceTask': 'serviceTask',
  'bpmn:SendTask': 'sendTask',
  'bpmn:BusinessRuleTask': 'businessRuleTask',
  'bpmn:UserTask': 'userTask',
  'bpmn:ScriptTask': 'scriptTask',
  'bpmn:ReceiveTask': 'receiveTask',
  'bpmn:ExclusiveGateway': 'exclusiveGateway',
  'bpmn:ParallelGateway': 'parallelGateway',
  'bpmn:InclusiveGateway': 'inclusiveGateway',
  'bpmn:ComplexGateway': 'complexGateway',
  'bpmn:EventBasedGateway': 'eventBasedGateway',
  'bpmn:SubProcess': 'subProcess',
  'bpmn:AdHocSubProcess': 'adHocSubProcess',
  'bpmn:CallActivity': 'callActivity',
  'bpmn:Transaction': 'subProcess',
};

const UNSUPPORTED: Readonly<Record<string, string>> = {
  'bpmn:ImplicitThrowEvent': 'implicit throw events are not supported',
};

const ACTIVITIES: ReadonlySet<NodeKind> = new Set([
  'task', 'manualTask', 'serviceTask', 'sendTask', 'businessRuleTask', 'userTask', 'scriptTask', 'receiveTask', 'subProcess', 'adHocSubProcess', 'eventSubProcess', 'callActivity',
]);

export function isActivity(kind: NodeKind): boolean {
  return ACTIVITIES.has(kind);
}

/** undefined when the element is not an executable flow node (reported if it is unsupported). */
export function compileNode(element: ModdleElement, parent: string | null, ctx: CompileContext): FlowNode | undefined {
  const kind = KINDS[element.$type];
  if (kind === undefined) {
    const reason = UNSUPPORTED[element.$type] ?? `${element.$type.replace(/^bpmn:/, '')} elements are not supported`;
    ctx.error(`Unsupported element ${element.$type}: ${reason}`, element);
    return undefined;
  }
  const node: FlowNode = { id: element.id ?? '', kind, type: element.$type, parent, incoming: [], outgoing: [] };
  const name = text(element.name);
  if (name !== undefined) node.name = name;
  const documentation = text((element.documentation as ModdleElement[] | undefined)?.[0]?.text);
  if (documentation !== undefined) node.documentation = documentation;
  const position = ctx.positions.get(node.id);
  if (position) {
    node.line = position.line;
    node.column = position.column;
  }
  const defaultFlow = text((element.default as ModdleElement | undefined)?.id);
  if (defaultFlow !== undefined) node.defaultFlow = defaultFlow;
  if (element.isForCompensation === true) node.isForCompensation = true;
  if (element.asyncBefore === true || element.async === true) node.asyncBefore = true;
  if (element.asyncAfter === true) node.asyncAfter = true;
  warnCamundaListeners(element, ctx);

  switch (kind) {
    case 'startEvent':
    case 'endEvent':
    case 'intermediateCatchEvent':
    case 'intermediateThrowEvent':
      compileEventNode(element, node, ctx);
      break;
    case 'boundaryEvent':
      compileEventNode(element, node, ctx);
      node.cancelActivity = element.cancelActivity !== false;
      if (element.attachedToRef?.id) node.attachedTo = element.attachedToRef.id as string;
      else ctx.error('Boundary event is not attached to an activity: set attachedToRef', element);
      break;
    case 'serviceTask':
    case 'sendTask':
    case 'businessRuleTask': {
      if (kind === 'businessRuleTask' && callsDecision(element)) {
        const decision = compileBusinessRule(element, ctx);
        if (decision) node.decision = decision;
        break;
      }
      const job = requiredJob(element, ctx);
      if (job) node.job = job;
      break;
    }
    case 'userTask':
      node.userTask = compileUserTask(element, ctx);
      break;
    case 'scriptTask':
      if (extension(element, 'zeebe:TaskDefinition')) {
        const job = compileJob(element, element, ctx);
        if (job) node.job = job;
      } else {
        const script = compileScript(element, ctx);
        if (script) node.script = script;
      }
      break;
    case 'receiveTask':
      // without a message it is a plain wait state, continued by a signal to its execution (Camunda 7)
      if (element.messageRef) node.event = messageEvent(element, element.messageRef as ModdleElement, ctx, true);
      break;
    case 'callActivity': {
      const call = compileCallActivity(element, ctx);
      if (call) node.callActivity = call;
      break;
    }
    case 'complexGateway': {
      const activationCondition = compileActivationCondition(element, ctx);
      if (activationCondition) node.activationCondition = activationCondition;
      break;
    }
    case 'subProcess':
      node.scope = { triggeredByEvent: element.triggeredByEvent === true, startEvents: [], eventSubProcesses: [] };
      if (element.$type === 'bpmn:Transaction') node.scope.transaction = true;
      // an event sub-process is a kind of its own (its processor arms its start in the enclosing scope)
      if (node.scope.triggeredByEvent) node.kind = 'eventSubProcess';
      break;
    case 'adHocSubProcess':
      node.scope = { triggeredByEvent: false, startEvents: [], eventSubProcesses: [] };
      node.adHoc = compileAdHoc(element, ctx);
      if (node.adHoc.activation === 'jobWorker') {
        const job = compileJob(element, element, ctx);
        if (job) node.job = job;
      }
      break;
    default:
      break;
  }

  if (isActivity(kind)) {
    const multiInstance = compileMultiInstance(element, ctx);
    if (multiInstance) node.multiInstance = multiInstance;
    const standardLoop = compileStandardLoop(element, ctx);
    if (standardLoop) node.standardLoop = standardLoop;
  }
  const properties = adHocElementProperties(element);
  if (properties) node.properties = properties;
  const io = mergeIo(camundaIo(element, ctx), zeebeIo(element, ctx));
  if (io) node.io = io;
  return node;
}

function compileEventNode(element: ModdleElement, node: FlowNode, ctx: CompileContext): void {
  const event = compileEvent(element, node.kind, ctx);
  if (event) node.event = event;
  if (event?.type === 'message' && (node.kind === 'endEvent' || node.kind === 'intermediateThrowEvent')) {
    const definition = (element.eventDefinitions as ModdleElement[])[0]!;
    const job = compileJob(element, definition, ctx);
    if (job) node.job = job;
  }
  if (node.kind === 'startEvent' && element.$parent?.triggeredByEvent === true) {
    node.interrupting = element.isInterrupting !== false;
  }
}

function mergeIo(a: IoMapping | undefined, b: IoMapping | undefined): IoMapping | undefined {
  if (!a) return b;
  if (!b) return a;
  return { inputs: [...a.inputs, ...b.inputs], outputs: [...a.outputs, ...b.outputs] };
}
