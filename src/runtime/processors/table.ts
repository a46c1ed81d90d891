import type { ProcessorTable } from './processor.js';
import { passThrough, jobTask, userTask, scriptTask } from './tasks.js';
import { businessRuleTask } from './business-rule-task.js';
import { exclusiveGateway, parallelGateway, inclusiveGateway } from './gateways.js';
import { complexGateway } from './complex-gateway.js';
import { startEvent, endEvent, intermediateThrowEvent, boundaryEvent } from './events.js';
import { subProcess } from './sub-processes.js';
import { intermediateCatchEvent, receiveTask } from './catch-events.js';
import { eventBasedGateway } from './event-gateway.js';
import { eventSubProcess } from './event-sub-processes.js';
import { callActivity } from './call-activities.js';
import { multiInstanceBody } from './multi-instance.js';
import { standardLoopBody } from './standard-loop.js';
import { adHocSubProcess } from './ad-hoc-sub-process.js';
import { compensationThrowEvent } from './compensation-throw-event.js';
import { cancelEndEvent } from './cancel-end-event.js';
import { transaction } from './transaction.js';
import { conditionalEvent } from './conditional-events.js';

/** Every element kind the engine runs, and the processor that runs it (cf. Zeebe's BpmnElementProcessors). */
export const elementProcessors: ProcessorTable = {
  startEvent,
  endEvent,
  intermediateThrowEvent,
  intermediateCatchEvent,
  conditionalEvent,
  boundaryEvent,
  task: passThrough,
  manualTask: passThrough,
  serviceTask: jobTask,
  sendTask: jobTask,
  businessRuleTask,
  userTask,
  scriptTask,
  receiveTask,
  exclusiveGateway,
  parallelGateway,
  inclusiveGateway,
  complexGateway,
  eventBasedGateway,
  subProcess,
  callActivity,
  multiInstanceBody,
  standardLoopBody,
  eventSubProcess,
  adHocSubProcess,
  compensationThrowEvent,
  cancelEndEvent,
  transaction,
};
