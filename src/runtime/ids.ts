import { randomFillSync } from 'node:crypto';

/**
 * Time-ordered UUIDs (version 7 layout): unique like random UUIDs, but consecutive ids sort
 * together, so every index keyed by an id (instances, element instances, jobs, history) grows at
 * its end instead of touching a random page per insert.
 */
const pool = Buffer.alloc(8 * 1024);
let poolOffset = pool.length;
let lastMs = -1;
let sequence = 0;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** `tttttttt-tttt-7` for the current millisecond, formatted once per millisecond */
let timePrefix = '';

const VARIANTS = ['8', '9', 'a', 'b'];

export function newId(): string {
  const ms = Date.now();
  if (ms <= lastMs) {
    // same millisecond (or the clock stepped back): keep order with the 12-bit sequence
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
      timePrefix = prefixOf(lastMs);
    }
  } else {
    lastMs = ms;
    sequence = 0;
    timePrefix = prefixOf(ms);
  }
  const rest = randomHex(8);
  const variant = VARIANTS[rest.charCodeAt(15) & 0x3]!;
  return `${timePrefix}${(0x1000 | sequence).toString(16).slice(1)}-${variant}${rest.slice(0, 3)}-${rest.slice(3, 15)}`;
}

function prefixOf(ms: number): string {
  const time = ms.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7`;
}
