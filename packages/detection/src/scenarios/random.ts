/**
 * A small seeded random source for the scenario generator. Detection code never draws randomness of
 * its own; scenarios are reproducible because everything here follows from one seed.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (mean 0, standard deviation 1). */
  normal(): number;
  /** Gamma with the given shape and scale 1. */
  gamma(shape: number): number;
  /** Poisson with the given mean; exact for every mean (inversion below 10, PTRS above). */
  poisson(mean: number): number;
  /**
   * Negative binomial with the given mean, drawn as a gamma-Poisson mixture. `dispersion` is α in
   * variance = mean + α·mean²; 0 gives Poisson.
   */
  negativeBinomial(mean: number, dispersion: number): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T;
}

/** A random source seeded with `seed` (any number; the same seed always gives the same sequence). */
export function createRandom(seed: number): Random {
  const next = sfc32(seed);

  const normal = (): number => {
    // Box-Muller; 1 - next() is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    return radius * Math.cos(2 * Math.PI * next());
  };

  const gamma = (shape: number): number => {
    if (shape < 1) {
      // Marsaglia-Tsang needs shape >= 1; boost and scale back down.
      return gamma(shape + 1) * (1 - next()) ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = 1 - next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };

  const poisson = (mean: number): number => {
    if (!(mean > 0)) return 0;
    return mean < 10 ? poissonByInversion(next, mean) : poissonPtrs(next, mean);
  };

  return {
    next,
    normal,
    gamma,
    poisson,
    negativeBinomial(mean, dispersion) {
      if (!(mean > 0)) return 0;
      if (!(dispersion > 0)) return poisson(mean);
      const shape = 1 / dispersion;
      return poisson(gamma(shape) * mean * dispersion);
    },
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError("pick from an empty list");
      return item;
    },
  };
}

/** sfc32 (Chris Doty-Humphrey's small fast counting generator): 128 bits of state, passes PractRand. */
function sfc32(seed: number): () => number {
  // Spread the one seed over the state, then discard the first outputs, which still resemble the seed.
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = (seed ^ 0xdeadbeef) >>> 0;
  const step = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Fractional seeds (and seeds beyond 32 bits) still count.
  a ^= Math.floor(seed / 2 ** 32) | 0;
  b ^= Math.floor((seed % 1) * 2 ** 32) | 0;
  for (let i = 0; i < 15; i++) step();
  return () => step() / 2 ** 32;
}

/** Counts uniforms until their product drops below e^-mean: exact, and cheap while the mean is small. */
function poissonByInversion(next: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let product = next();
  while (product > limit) {
    k++;
    product *= next();
  }
  return k;
}

/** Hörmann's PTRS (transformed rejection with squeeze), exact for means of 10 and more. */
function poissonPtrs(next: () => number, mean: number): number {
  const root = Math.sqrt(mean);
  const logMean = Math.log(mean);
  const b = 0.931 + 2.53 * root;
  const a = -0.059 + 0.02483 * b;
  const inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = next() - 0.5;
    const v = next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    const accept = Math.log(v * inverseAlpha) - Math.log(a / (us * us) + b);
    if (accept <= -mean + k * logMean - logFactorial(k)) return k;
  }
}

const SMALL_LOG_FACTORIALS = (() => {
  const table = [0];
  for (let k = 1; k < 20; k++) table.push((table[k - 1] ?? 0) + Math.log(k));
  return table;
})();

/** ln(k!), from a table below 20 and Stirling's series above (error below 1e-12 there). */
function logFactorial(k: number): number {
  const exact = SMALL_LOG_FACTORIALS[k];
  if (exact !== undefined) return exact;
  const n = k + 1;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

/** FNV-1a of a string: a stable 32-bit seed or bucket for a name. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
