export { checkTimer, firstSlot, nextSlot, isTimerExpression, type TimerSlot } from '../../timers/timer-spec.js';
export { SystemClock, ManualClock, type Clock, type SystemClockOptions } from './clock.js';
export { TimerSyntaxError } from '../../timers/timer-error.js';
