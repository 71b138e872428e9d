import type { BucketInput, BucketVerdict, IncidentState } from "../types.ts";

const DAY_MS = 86_400_000;

/**
 * The floor to beat, after Downdetector's public description: the baseline is the average count
 * for that time of day over recent weeks, and a problem is flagged when reports are well above it
 * (here: at least `factor` times the average and `minCount` reports, for one bucket). No counts
 * model, no windows, no evidence rule. Kept only to measure the real detector against.
 */
export class AverageThresholdDetector {
  readonly #bucketMs: number;
  readonly #sums: Float64Array;
  readonly #weights: Float64Array;
  readonly #factor: number;
  readonly #minCount: number;
  #incident: IncidentState | undefined;
  #calm = 0;

  constructor(bucketMs: number, options: { factor?: number; minCount?: number } = {}) {
    this.#bucketMs = bucketMs;
    const slots = Math.max(1, Math.round(DAY_MS / Math.max(bucketMs, 60_000)));
    this.#sums = new Float64Array(slots);
    this.#weights = new Float64Array(slots);
    this.#factor = options.factor ?? 3;
    this.#minCount = options.minCount ?? 10;
  }

  push(input: BucketInput): BucketVerdict {
    const slot = Math.floor((((input.t % DAY_MS) + DAY_MS) % DAY_MS) / (DAY_MS / this.#sums.length));
    const weight = this.#weights[slot] ?? 0;
    const expected = weight > 0 ? (this.#sums[slot] ?? 0) / weight : 0;
    const upper = this.#factor * expected;
    const anomalous = weight >= 7 && input.count >= this.#minCount && input.count >= upper;
    let event: BucketVerdict["event"];
    if (!this.#incident && anomalous) {
      this.#incident = {
        startedAt: input.t,
        detectedAt: input.t,
        peakAt: input.t,
        peakCount: input.count,
        peakExpected: expected,
        peakScore: 1,
      };
      this.#calm = 0;
      event = "opened";
    } else if (this.#incident) {
      this.#calm = anomalous ? 0 : this.#calm + 1;
      if (this.#calm >= Math.max(3, Math.round(600_000 / this.#bucketMs))) {
        this.#incident.resolvedAt = input.t;
        event = "resolved";
      }
    }
    // A plain average over the last four weeks of this time of day, outages included.
    const keep = weight >= 28 ? 27 / 28 : 1;
    this.#sums[slot] = (this.#sums[slot] ?? 0) * keep + input.count;
    this.#weights[slot] = weight * keep + 1;
    const incident = this.#incident;
    if (event === "resolved") this.#incident = undefined;
    return {
      t: input.t,
      count: input.count,
      expected,
      upper,
      score: anomalous ? 1 : 0,
      status: this.#incident ? "problems" : "ok",
      ...(incident ? { incident: { ...incident } } : {}),
      ...(event ? { event } : {}),
    };
  }
}
