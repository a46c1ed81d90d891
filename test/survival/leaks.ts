/** Shared checks of the survival suites: an error body says what went wrong and nothing about the server. */
import { expect } from 'vitest';

/**
 * a stack frame, a source position, a path on this machine or inside node_modules. A frame is
 * `at name (where)` with a V8 location in the parentheses (`file:line:col`, `<anonymous>`, `native`,
 * `index N`): prose such as "at least 1000 ms (budget minTimerCycleInterval)" is not one.
 */
const LEAK = /\/work\/|node_modules|\bat [\w$.<>[\] ]+ \((?:[^()]*:\d+:\d+|<anonymous>|native|index \d+)\)|\bat (file:|node:|\/)|\.(ts|js|mjs|cjs):\d+|\/home\/|\/tmp\/|[A-Z]:\\\\/;

/** Fails when `body` (parsed JSON or text) carries a stack trace or a file path. */
export function expectNoLeak(body: unknown, context = ''): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  expect(LEAK.test(text ?? ''), `${context}: ${String(text).slice(0, 300)}`).toBe(false);
}

/** An error answer: a 4xx with Camunda's `{type, message}` and a message worth reading. */
export function expectClearRefusal(status: number, body: unknown, context = ''): void {
  expect(status, `${context}: ${JSON.stringify(body)?.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(status, `${context}: ${JSON.stringify(body)?.slice(0, 300)}`).toBeLessThan(500);
  const b = body as { type?: unknown; message?: unknown } | null;
  expect(typeof b?.type, `${context}: ${JSON.stringify(body)?.slice(0, 300)}`).toBe('string');
  expect(typeof b?.message === 'string' && b.message.length >= 10, `${context}: ${JSON.stringify(body)?.slice(0, 300)}`).toBe(true);
  expectNoLeak(body, context);
}
