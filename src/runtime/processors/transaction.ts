/**
 * Transaction sub-process (BPMN 2.0 §10.3.2): entered and completed like an embedded sub-process.
 * What makes it a transaction happens elsewhere: its cancel end event (cancel-end-event.ts)
 * compensates what completed inside it and leaves by its cancel boundary event; a hazard (an
 * error) leaves by an error boundary event like from any sub-process, without compensation.
 */
import type { ElementProcessor } from './processor.js';
import { subProcess } from './sub-processes.js';

export const transaction: ElementProcessor = subProcess;
