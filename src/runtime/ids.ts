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

export function newId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    // same millisecond (or the clock stepped back): keep order with the 12-bit sequence
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    sequence = 0;
  }
  const time = ms.toString(16).padStart(12, '0');
  const variant = (0x8 | (parseInt(randomHex(1), 16) & 0x3)).toString(16);
  const rest = randomHex(8);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${sequence.toString(16).padStart(3, '0')}-${variant}${rest.slice(0, 3)}-${rest.slice(3, 15)}`;
}
