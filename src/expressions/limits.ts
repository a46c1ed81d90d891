/** Bounds that keep evaluation of untrusted expressions cheap and terminating. */

/** Longest accepted expression source, in UTF-16 code units. */
export const MAX_SOURCE_LENGTH = 10_000;

/** Deepest accepted syntactic nesting: parentheses, brackets, unary operators, ternaries, template parts. */
export const MAX_NESTING_DEPTH = 64;

/** Tallest accepted syntax tree, which also bounds long operator chains such as `1+1+...+1`. */
export const MAX_TREE_HEIGHT = 512;

/** Longest string an expression may produce (concatenation, templates, case conversion). */
export const MAX_STRING_LENGTH = 1024 * 1024;

/** Deepest structure compared by `==` / `!=` and converted from FEEL results. */
export const MAX_VALUE_DEPTH = 100;

/** Range elements one FEEL evaluation may enumerate (`for i in 1..n`), nested loops included. */
export const MAX_FEEL_RANGE_ELEMENTS = 1_000_000;

/** Steps one FEEL evaluation may take unless the engine says otherwise (engine budget maxFeelSteps; see feel-budget.ts). */
export const DEFAULT_FEEL_STEPS = 1_000_000;

/** Steps a call of a function the expression itself defines costs (it copies its whole scope). */
export const USER_FUNCTION_CALL_STEPS = 100;

/** Longest regular expression `matches`, `replace` and `split` accept. */
export const MAX_PATTERN_LENGTH = 1_000;

/** Compiled expressions kept per process (least recently inserted evicted first). */
export const MAX_CACHE_ENTRIES = 10_000;

/** Property names never readable, even when a JSON object carries them as own keys. */
export const FORBIDDEN_PROPERTIES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
