/** Shared shape of every timer syntax error: `Invalid <what> '<text>': <reason>`. */

/** Longest piece of user text repeated inside an error message. */
const MAX_QUOTED = 80;

/** The text as it appears in messages: cut short so hostile input cannot bloat logs. */
export function quote(text: string): string {
  return text.length > MAX_QUOTED ? `'${text.slice(0, MAX_QUOTED)}…'` : `'${text}'`;
}

/** A timer text that cannot be parsed; `message` is precise and meant for the diagram author. */
export class TimerSyntaxError extends Error {
  constructor(what: string, text: string, reason: string) {
    super(`Invalid ${what} ${quote(text)}: ${reason}`);
    this.name = 'TimerSyntaxError';
  }
}

/** Longest timer text accepted at all; everything is parsed in time linear in this. */
export const MAX_TIMER_TEXT = 1000;

export function checkLength(what: string, text: string): void {
  if (text.length > MAX_TIMER_TEXT) throw new TimerSyntaxError(what, text, `longer than ${MAX_TIMER_TEXT} characters`);
}

/** Latest instant a timer may be due at (JavaScript Date's own limit is 8.64e15). */
export const MAX_INSTANT = 253402300799999; // 9999-12-31T23:59:59.999Z
