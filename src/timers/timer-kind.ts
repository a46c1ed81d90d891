/** BPMN's three timer definitions: timeDate, timeDuration, timeCycle. */
export type TimerKind = 'date' | 'duration' | 'cycle';
