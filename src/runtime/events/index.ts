/** What the engine offers about events from outside a process: correlating messages, broadcasting signals, arming start events. */
export { correlateMessage, type CorrelateMessageRequest, type CorrelationResult } from './correlation.js';
export { broadcastSignal, type SignalBroadcast } from './signals.js';
export { armStartEvents } from './start-events.js';
