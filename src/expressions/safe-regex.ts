/**
 * A regular expression passed to FEEL's `matches`, `replace` or `split` runs on JavaScript's
 * backtracking engine, where `(a+)+$` on 30 characters takes seconds and more characters take
 * forever. This check refuses, before anything runs, the shapes that backtrack exponentially:
 * - a repeated group that itself contains a repetition (star height above one: `(a+)+`, `(\w*)*`);
 * - a repeated group with alternatives that can start with the same text (`(a|a)*`, `(a|ab)+`);
 *   alternatives that start with different literal characters (`(cat|dog)+`, `(-\d|x)+`) pass;
 * - backreferences (`\1`, `\k<name>`), which no linear-time engine supports either.
 * Polynomial patterns such as `\d+\d+$` pass: their cost is bounded by a power of the input size.
 */
import { MAX_PATTERN_LENGTH } from './limits.js';

interface Alternative {
  /** its first character when it starts with a literal one; null when it starts otherwise; undefined while empty */
  first?: string | null;
}

interface Group {
  /** holds a repetition anywhere inside */
  repeats: boolean;
  alternatives: Alternative[];
}

type Atom = { kind: 'group'; group: Group } | { kind: 'other' } | null;

/** Why `pattern` is refused, or null when it is safe to run. */
export function unsafePatternReason(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `it is longer than ${MAX_PATTERN_LENGTH} characters`;
  const stack: Group[] = [{ repeats: false, alternatives: [{}] }];
  const top = () => stack[stack.length - 1]!;
  const current = () => top().alternatives[top().alternatives.length - 1]!;
  let last: Atom = null;
  const atom = (literalChar: string | null) => {
    const alternative = current();
    if (alternative.first === undefined) alternative.first = literalChar;
    last = { kind: 'other' };
  };

  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    switch (c) {
      case '\\': {
        const next = pattern[i + 1] ?? '';
        if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) return 'backreferences are not supported';
        if ((next === 'u' || next === 'p' || next === 'P') && pattern[i + 2] === '{') {
          i = Math.max(i + 2, pattern.indexOf('}', i));
          atom(null);
        } else {
          i++;
          atom(/[A-Za-z0-9]/.test(next) ? null : next);
        }
        break;
      }
      case '[': {
        // a character class: one atom, whatever is inside
        for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
        atom(null);
        break;
      }
      case '(': {
        if (pattern[i + 1] === '?') {
          // (?: (?= (?! (?<= (?<! (?<name>
          i += 2;
          if (pattern[i] === '<' && pattern[i + 1] !== '=' && pattern[i + 1] !== '!') i = pattern.indexOf('>', i);
          else if (pattern[i] === '<') i++;
        }
        stack.push({ repeats: false, alternatives: [{}] });
        last = null;
        break;
      }
      case ')': {
        if (stack.length === 1) return null; // unbalanced: the RegExp constructor reports it
        const group = stack.pop()!;
        top().repeats ||= group.repeats;
        if (current().first === undefined) current().first = null;
        last = { kind: 'group', group };
        break;
      }
      case '|':
        top().alternatives.push({});
        last = null;
        break;
      case '*':
      case '+':
      case '?':
      case '{': {
        let repeating = c !== '?';
        if (c === '{') {
          const close = pattern.indexOf('}', i);
          const bounds = close < 0 ? null : /^\{(\d+)(,(\d*))?\}$/.exec(pattern.slice(i, close + 1));
          if (!bounds) {
            atom('{');
            break;
          }
          repeating = bounds[2] !== undefined && (bounds[3] === '' || Number(bounds[3]) > 1);
          i = close;
        }
        if (pattern[i + 1] === '?') i++; // lazy: the same backtracking
        if (!repeating || last === null) break;
        const reason = repeatedAtomReason(last);
        if (reason !== null) return reason;
        top().repeats = true;
        last = { kind: 'other' };
        break;
      }
      default:
        atom(c === '.' || c === '^' || c === '$' ? null : c);
    }
  }
  return null;
}

function repeatedAtomReason(atom: Exclude<Atom, null>): string | null {
  if (atom.kind !== 'group') return null;
  const { group } = atom;
  if (group.repeats) return 'a repeated group contains another repetition (such as (a+)+), which can take exponential time';
  if (group.alternatives.length > 1) {
    // each repetition is decided by its first character only when the alternatives start with different literal ones
    const firsts = group.alternatives.map((alternative) => alternative.first ?? null);
    if (firsts.includes(null) || new Set(firsts).size !== firsts.length) {
      return 'a repeated group has alternatives that can match the same text (such as (a|ab)*), which can take exponential time';
    }
  }
  return null;
}
