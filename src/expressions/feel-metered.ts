/**
 * Lists as FEEL sees them, metered: feelin deep-copies the context it is given and then iterates
 * lists with ordinary array methods (`for`, `some`, `every`, filters, builtins), so the one hook
 * that survives is the list's own class. A MeteredList charges its length to the evaluation's
 * step budget (feel-budget.ts) each time it is iterated, and lists derived from it (map, filter,
 * the copy feelin makes) are MeteredLists too. Lists an expression builds from literals are not
 * metered; their size is bounded by the source length, by the ranges and by the metered lists
 * they were built from.
 */
import { chargeFeelSteps } from './feel-budget.js';
import { isPlainObject } from './juel-values.js';

/** Array's default species is the subclass itself, so map, filter and slice keep lists metered. */
class MeteredList<T> extends Array<T> {}

const iterating: Array<keyof unknown[]> = [
  'map', 'filter', 'forEach', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex',
  'flatMap', 'flat', 'indexOf', 'lastIndexOf', 'includes', 'join', 'slice', 'concat', 'sort', 'reverse', 'entries', 'keys',
  'values', Symbol.iterator,
];
for (const name of iterating) {
  const native = Array.prototype[name] as (...args: unknown[]) => unknown;
  Object.defineProperty(MeteredList.prototype, name, {
    value: function charged(this: unknown[], ...args: unknown[]) {
      chargeFeelSteps(this.length);
      return native.apply(this, args);
    },
    writable: true,
    configurable: true,
  });
}

/** `value` with every list inside it (at any depth) copied into a MeteredList; other values as they are. */
export function metered(value: unknown): unknown {
  if (Array.isArray(value)) {
    const list = new MeteredList<unknown>();
    for (let i = 0; i < value.length; i++) list.push(metered(value[i]));
    return list;
  }
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(copy, key, { value: metered(value[key]), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** The evaluation context with its lists metered. */
export function meteredContext(context: Record<string, unknown>): Record<string, unknown> {
  return metered(context) as Record<string, unknown>;
}
