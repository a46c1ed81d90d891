export { checkTimer, firstSlot, nextSlot, isTimerExpression, type TimerSlot } from './timer-spec.js';
export { SystemClock, ManualClock, type Clock, type SystemClockOptions } from './clock.js';
export { TimerSyntaxError } from './timer-error.js';
