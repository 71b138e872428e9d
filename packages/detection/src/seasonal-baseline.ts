const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

export interface SeasonalBaselineOptions {
  bucketMs: number;
  /** Expected count per bucket before any history: the prior for a new or quiet series. */
  priorRate: number;
  /** How many weeks of history a slot remembers (exponential forgetting beyond). */
  memoryWeeks: number;
}

/**
 * What is normal for each time of week. The week is cut into slots (an hour each, or one bucket
 * when buckets are longer); each slot keeps a running mean of the counts of its buckets, shrunk
 * towards the series' overall mean while it has seen little, and that towards the prior. Expected
 * values are interpolated between neighbouring slots, so a daily curve has no steps at the hours.
 *
 * A short-term level (the recent ratio of observed to expected, kept within [0.5, 2]) follows what
 * the weekly profile cannot: growth, a daylight-saving shift, a holiday. Callers feed it only
 * ordinary buckets, clipped to the top of the normal band, so an outage never teaches the baseline
 * that outages are normal.
 */
/** A baseline's learned state as plain JSON, to store and restore across restarts. */
export interface SeasonalBaselineSnapshot {
  sums: number[];
  weights: number[];
  overallSum: number;
  overallWeight: number;
  level: number;
  dispersion: number;
}

export class SeasonalBaseline {
  readonly #bucketMs: number;
  readonly #slotMs: number;
  readonly #priorRate: number;
  readonly #maxWeight: number;
  readonly #sums: Float64Array;
  readonly #weights: Float64Array;
  #overallSum = 0;
  #overallWeight = 0;
  #level = 1;
  /** Over-dispersion (variance = mean + dispersion * mean^2), learned from ordinary buckets. */
  #dispersion = 0.05;

  constructor(options: SeasonalBaselineOptions) {
    this.#bucketMs = options.bucketMs;
    this.#slotMs = Math.max(HOUR_MS, options.bucketMs);
    const slots = Math.max(1, Math.round(WEEK_MS / this.#slotMs));
    this.#sums = new Float64Array(slots);
    this.#weights = new Float64Array(slots);
    this.#priorRate = options.priorRate;
    // A slot sees slotMs / bucketMs buckets a week.
    this.#maxWeight = options.memoryWeeks * Math.max(1, this.#slotMs / this.#bucketMs);
  }

  snapshot(): SeasonalBaselineSnapshot {
    return {
      sums: [...this.#sums],
      weights: [...this.#weights],
      overallSum: this.#overallSum,
      overallWeight: this.#overallWeight,
      level: this.#level,
      dispersion: this.#dispersion,
    };
  }

  /** Takes back a snapshot of a baseline made with the same options. */
  restore(snapshot: SeasonalBaselineSnapshot): void {
    if (snapshot.sums.length !== this.#sums.length || snapshot.weights.length !== this.#weights.length) {
      throw new Error(`baseline snapshot has ${snapshot.sums.length} slots, expected ${this.#sums.length}`);
    }
    this.#sums.set(snapshot.sums);
    this.#weights.set(snapshot.weights);
    this.#overallSum = snapshot.overallSum;
    this.#overallWeight = snapshot.overallWeight;
    this.#level = snapshot.level;
    this.#dispersion = snapshot.dispersion;
  }

  get dispersion(): number {
    return this.#dispersion;
  }

  /** How many buckets of history the baseline has learned from (capped by its memory). */
  get experience(): number {
    return this.#overallWeight;
  }

  /** Buckets the slot holding t has learned from (capped by the memory). */
  slotExperience(t: number): number {
    return this.#weights[this.#slotOf(t)] ?? 0;
  }

  /** Expected count for the bucket starting at t. */
  expected(t: number): number {
    const position = (((t % WEEK_MS) + WEEK_MS) % WEEK_MS) / this.#slotMs;
    const slots = this.#sums.length;
    // Interpolate between the centres of the two nearest slots.
    const centred = position - 0.5;
    const lower = Math.floor(centred);
    const fraction = centred - lower;
    const a = this.#slotMean((lower + slots) % slots);
    const b = this.#slotMean((lower + 1) % slots);
    return Math.max(1e-6, (a * (1 - fraction) + b * fraction) * this.#level);
  }

  /**
   * Learns from an ordinary bucket. `count` should already be clipped to the top of the band;
   * `expected` is what expected(t) said before the update.
   */
  learn(t: number, count: number, expected: number): void {
    const slot = this.#slotOf(t);
    // Running mean until the memory is full, then exponential forgetting with that memory.
    const weight = this.#weights[slot] ?? 0;
    const keep = weight >= this.#maxWeight ? (this.#maxWeight - 1) / this.#maxWeight : 1;
    this.#sums[slot] = (this.#sums[slot] ?? 0) * keep + count / this.#level;
    this.#weights[slot] = weight * keep + 1;
    const overallMax = this.#maxWeight * this.#sums.length;
    const overallKeep = this.#overallWeight >= overallMax ? (overallMax - 1) / overallMax : 1;
    this.#overallSum = this.#overallSum * overallKeep + count / this.#level;
    this.#overallWeight = this.#overallWeight * overallKeep + 1;

    // Level: ratio of observed to expected over the last few hours of buckets.
    const levelAlpha = Math.min(0.05, this.#bucketMs / (6 * HOUR_MS));
    if (expected > 0.5) {
      const ratio = Math.min(2, Math.max(0.5, count / expected));
      this.#level = Math.min(2, Math.max(0.5, this.#level * (1 + levelAlpha * (ratio - 1))));
    }
    // Dispersion by moments: E[(x - m)^2] = m + d m^2, so d ~ ((x - m)^2 - m) / m^2.
    if (expected > 1) {
      const sample = ((count - expected) ** 2 - expected) / (expected * expected);
      const alpha = 0.002;
      this.#dispersion = Math.min(1, Math.max(0.001, this.#dispersion + alpha * (sample - this.#dispersion)));
    }
  }

  #slotOf(t: number): number {
    return Math.floor((((t % WEEK_MS) + WEEK_MS) % WEEK_MS) / this.#slotMs) % this.#sums.length;
  }

  #slotMean(slot: number): number {
    // Shrink towards the overall mean with the weight of a few hours of buckets, and the overall
    // mean towards the prior likewise: a new series starts at the prior and moves as it learns.
    const shrink = 30;
    const overall = (this.#overallSum + shrink * this.#priorRate) / (this.#overallWeight + shrink);
    return ((this.#sums[slot] ?? 0) + shrink * overall) / ((this.#weights[slot] ?? 0) + shrink);
  }
}
