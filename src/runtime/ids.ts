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

/** the id being built, as ASCII bytes: decoded into one string at the end (no intermediate strings) */
const out = Buffer.alloc(36);
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const DASH = 0x2d;

function hexInto(offset: number, value: number, digits: number): void {
  for (let i = digits - 1; i >= 0; i--) {
    out[offset + i] = HEX[value & 0xf]!;
    value >>>= 4;
  }
}

/** writes `tttttttt-tttt-7` for `ms` (once per millisecond) */
function writePrefix(ms: number): void {
  const high = Math.floor(ms / 2 ** 16); // the 32 upper bits of the 48-bit time
  hexInto(0, high, 8);
  out[8] = DASH;
  hexInto(9, ms % 2 ** 16, 4);
  out[13] = DASH;
  out[14] = 0x37; // '7'
}

/** A new id, written byte by byte into `out` and decoded once (a template of slices made five strings per id). */
export function newId(): string {
  const ms = Date.now();
  if (ms <= lastMs) {
    // same millisecond (or the clock stepped back): keep order with the 12-bit sequence
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
      writePrefix(lastMs);
    }
  } else {
    lastMs = ms;
    sequence = 0;
    writePrefix(ms);
  }
  if (poolOffset + 8 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  hexInto(15, sequence, 3);
  out[18] = DASH;
  const r = poolOffset;
  poolOffset += 8;
  out[19] = HEX[8 | (pool[r]! & 0x3)]!; // variant 10xx: 8, 9, a or b
  out[20] = HEX[pool[r + 1]! & 0xf]!;
  out[21] = HEX[pool[r + 1]! >> 4]!;
  out[22] = HEX[pool[r + 2]! & 0xf]!;
  out[23] = DASH;
  out[24] = HEX[pool[r + 2]! >> 4]!;
  for (let i = 0; i < 5; i++) {
    const b = pool[r + 3 + i]!;
    out[25 + 2 * i] = HEX[b & 0xf]!;
    out[26 + 2 * i] = HEX[b >> 4]!;
  }
  out[35] = HEX[pool[r]! >> 4]!;
  return out.toString('latin1', 0, 36);
}
