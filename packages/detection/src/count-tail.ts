import { regularizedBetaI, regularizedGammaP } from "./special-functions.ts";

/*
 * Tail probabilities of over-dispersed counts. Counts are modelled as negative binomial with mean
 * `mean` and variance mean + dispersion * mean^2 (dispersion 0 is Poisson): the gamma-Poisson
 * mixture that fits report counts, whose variance grows faster than their mean.
 */

/** P(X >= k) for X ~ Poisson(mean). */
export function poissonUpperTail(k: number, mean: number): number {
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  // P(X >= k) = P(k, mean), the regularized lower incomplete gamma.
  return regularizedGammaP(k, mean);
}

/** P(X >= k) for X negative binomial with the given mean and dispersion (variance mean + d*mean^2). */
export function countUpperTail(k: number, mean: number, dispersion: number): number {
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  if (dispersion < 1e-9) return poissonUpperTail(k, mean);
  const size = 1 / dispersion;
  // With p = size / (size + mean) the chance of a success, P(X >= k) = I_{1-p}(k, size).
  return regularizedBetaI(k, size, mean / (size + mean));
}

/**
 * The smallest count c with P(X > c) <= tail: the top of the normal band. Exact for small means,
 * a normal approximation (with the negative binomial's variance) for large ones.
 */
export function upperQuantile(mean: number, dispersion: number, tail: number): number {
  if (mean <= 0) return 0;
  const variance = mean + dispersion * mean * mean;
  if (mean > 50) return mean + normalQuantile(1 - tail) * Math.sqrt(variance);
  // Walk the probability mass function up from 0 by its recurrence until the rest weighs no more
  // than `tail`: a few dozen multiplications, where evaluating the tail at each count would cost
  // an incomplete beta function each (charts draw a band over 1,440 minutes per request).
  const poisson = dispersion < 1e-9;
  const size = poisson ? 0 : 1 / dispersion;
  const ratio = mean / (size + mean);
  let mass = poisson ? Math.exp(-mean) : Math.exp(size * Math.log1p(-ratio));
  let cumulative = mass;
  let count = 0;
  while (1 - cumulative > tail && count < 10_000) {
    mass *= poisson ? mean / (count + 1) : ((count + size) / (count + 1)) * ratio;
    count += 1;
    cumulative += mass;
  }
  return count;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const polynomial = (coefficients: number[], x: number) =>
    coefficients.reduce((sum, coefficient) => sum * x + coefficient, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return polynomial(c, q) / (polynomial(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -polynomial(c, q) / (polynomial(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (polynomial(a, r) * q) / (polynomial(b, r) * r + 1);
}
