/**
 * Seeded, deterministic pseudo-random numbers.
 *
 * Why not Math.random: training data, train/test splits and any sampling the
 * engine does must be reproducible from a seed, so the same BPMN run on the
 * same inputs yields byte-identical datasets and models (auditable lineage).
 *
 * mulberry32 is a tiny 32-bit generator with good statistical quality for
 * simulation work; it is not cryptographic and must never be used for secrets.
 */

/** A source of uniform numbers in [0, 1) plus the derived samplers we need. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Integer uniform in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** Normal(mean, sd) via Box-Muller. */
  gaussian(mean?: number, sd?: number): number;
  /** Index drawn with probability proportional to weights[i]. */
  weighted(weights: readonly number[]): number;
  /** 1 with probability p, else 0. */
  bernoulli(p: number): 0 | 1;
}

/** Raw mulberry32: returns a function yielding uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes a base seed with a stream number (e.g. a quarter index) so that
 * derived streams are independent rather than shifted copies of each other.
 */
export function deriveSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  // Box-Muller produces pairs; keep the spare so every call costs one draw pair at most.
  let spare: number | null = null;

  const gaussian = (mean = 0, sd = 1): number => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return mean + sd * z;
    }
    // 1 - next() is in (0, 1], so log never sees 0.
    const u1 = 1 - next();
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return mean + sd * r * Math.cos(2 * Math.PI * u2);
  };

  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    gaussian,
    weighted(weights) {
      const total = weights.reduce((a, b) => a + b, 0);
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i];
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
    bernoulli: (p) => (next() < p ? 1 : 0),
  };
}
