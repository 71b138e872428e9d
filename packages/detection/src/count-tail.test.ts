import { describe, expect, it } from "vitest";
import { countUpperTail, poissonUpperTail, upperQuantile } from "./count-tail.ts";
import { logGamma, regularizedBetaI, regularizedGammaP } from "./special-functions.ts";

describe("special functions", () => {
  it("match known values", () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5723649429247001, 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 10);
    expect(regularizedGammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(regularizedBetaI(2, 3, 0.4)).toBeCloseTo(0.5248, 10);
    expect(regularizedBetaI(1, 1, 0.3)).toBeCloseTo(0.3, 12);
  });
});

describe("count tails", () => {
  it("give Poisson tails", () => {
    expect(poissonUpperTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 12);
    const below5 = Math.exp(-1) * (1 + 1 + 1 / 2 + 1 / 6 + 1 / 24);
    expect(poissonUpperTail(5, 1)).toBeCloseTo(1 - below5, 12);
    expect(poissonUpperTail(0, 3)).toBe(1);
  });

  it("give the geometric tail when the dispersion is 1", () => {
    // Size 1: P(X >= k) = (m / (1 + m))^k.
    expect(countUpperTail(3, 1, 1)).toBeCloseTo(0.125, 10);
    expect(countUpperTail(4, 3, 1)).toBeCloseTo(0.75 ** 4, 10);
  });

  it("tend to Poisson as the dispersion vanishes, and are heavier with it", () => {
    expect(countUpperTail(5, 1, 1e-12)).toBeCloseTo(poissonUpperTail(5, 1), 12);
    expect(countUpperTail(30, 10, 0.2)).toBeGreaterThan(poissonUpperTail(30, 10));
  });

  it("stay usable far out in the tail of big counts", () => {
    const p = countUpperTail(50_000, 3_000, 0.05);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(1e-20);
    expect(countUpperTail(3_000, 3_000, 0.05)).toBeGreaterThan(0.3);
  });

  it("place the top of the band where the tail first drops to the limit, for Poisson and over-dispersed counts", () => {
    for (const [mean, dispersion] of [
      [0.05, 0],
      [3, 0],
      [12, 0.1],
      [40, 0.5],
    ] as const) {
      const upper = upperQuantile(mean, dispersion, 0.001);
      expect(countUpperTail(upper + 1, mean, dispersion)).toBeLessThanOrEqual(0.001);
      if (upper > 0) expect(countUpperTail(upper, mean, dispersion)).toBeGreaterThan(0.001);
    }
  });

  it("place the top of the band at the first count with a small enough tail", () => {
    // Poisson(1): P(X >= 6) = 0.00059 <= 0.001 < P(X >= 5) = 0.0037.
    expect(upperQuantile(1, 0, 0.001)).toBe(5);
    expect(upperQuantile(0, 0.1, 0.001)).toBe(0);
    const big = upperQuantile(1_000, 0, 0.001);
    expect(big).toBeGreaterThan(1_000 + 3 * Math.sqrt(1_000));
    expect(big).toBeLessThan(1_000 + 3.2 * Math.sqrt(1_000));
  });
});
