import { describe, expect, it } from "vitest";
import { createRandom } from "./random.ts";

const DRAWS = 20_000;

function moments(draw: () => number): { mean: number; variance: number } {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < DRAWS; i++) {
    const x = draw();
    sum += x;
    squares += x * x;
  }
  const mean = sum / DRAWS;
  return { mean, variance: squares / DRAWS - mean * mean };
}

describe("seeded random source", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const sequence = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 20 }, () => random.next());
    };
    expect(sequence(42)).toEqual(sequence(42));
    expect(sequence(42)).not.toEqual(sequence(43));
  });

  it("draws uniforms in [0, 1) and integers within their bounds", () => {
    const random = createRandom(7);
    const uniforms = Array.from({ length: DRAWS }, () => random.next());
    expect(uniforms.filter((u) => !(u >= 0 && u < 1))).toEqual([]);
    const integers = new Set(Array.from({ length: DRAWS }, () => random.int(-2, 3)));
    expect([...integers].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(["a", "b", "c"]).toContain(random.pick(["a", "b", "c"]));
  });

  it.each([0.05, 3, 25, 500, 100_000])("draws Poisson samples with mean %s within a few percent", (mean) => {
    const random = createRandom(11);
    const { mean: sampleMean, variance } = moments(() => random.poisson(mean));
    // The standard error of the mean is sqrt(mean / DRAWS): allow 5 of them, and at least 3%.
    expect(Math.abs(sampleMean - mean)).toBeLessThan(Math.max(0.03 * mean, 5 * Math.sqrt(mean / DRAWS)));
    expect(variance / mean).toBeGreaterThan(0.9);
    expect(variance / mean).toBeLessThan(1.1);
  });

  it.each([0.5, 20, 3000])("draws negative binomial samples with mean %s within a few percent", (mean) => {
    const random = createRandom(12);
    const { mean: sampleMean } = moments(() => random.negativeBinomial(mean, 0.05));
    expect(Math.abs(sampleMean - mean) / mean).toBeLessThan(0.04);
  });

  it("gives the negative binomial a larger variance than Poisson's for the same mean", () => {
    const random = createRandom(13);
    const mean = 200;
    const dispersion = 0.05;
    const poisson = moments(() => random.poisson(mean));
    const negativeBinomial = moments(() => random.negativeBinomial(mean, dispersion));
    expect(negativeBinomial.variance).toBeGreaterThan(2 * poisson.variance);
    // variance = mean + dispersion·mean² = 2200
    expect(negativeBinomial.variance / (mean + dispersion * mean * mean)).toBeCloseTo(1, 0);
  });

  it("draws standard normals", () => {
    const random = createRandom(14);
    const { mean, variance } = moments(() => random.normal());
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});
