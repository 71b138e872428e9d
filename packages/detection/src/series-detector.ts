import { countUpperTail, upperQuantile } from "./count-tail.ts";
import { SeasonalBaseline, type SeasonalBaselineSnapshot } from "./seasonal-baseline.ts";
import type { BucketInput, BucketVerdict, IncidentState, SeriesStatus } from "./types.ts";

export interface SeriesDetectorOptions {
  bucketMs: number;
  /** Expected count per bucket for a series with no history. */
  priorRate?: number;
  /** Weeks of history the seasonal baseline remembers. */
  memoryWeeks?: number;
  /** Windows, in buckets, over which the observed sum is tested against the expected sum. */
  windows?: number[];
  /** -log10 of the (Bonferroni-adjusted) p-value that gives score 1; scores are that scale, clipped. */
  scoreScale?: number;
  /** Score at which an incident opens (with the ratio and evidence rules). */
  openScore?: number;
  /** Score at which a series shows "possible problems". */
  possibleScore?: number;
  /** Observed / expected over the triggering window needed to open: a big service's 20% wobble is no outage. */
  minRatio?: number;
  /**
   * Shortest window, in buckets, that may open an incident: one or two odd buckets (a blip) raise
   * the score and show "possible problems", but an outage must last.
   */
  minOpenWindow?: number;
  /** Distinct reporters (or signals, when reporters are not given) needed in the triggering window. */
  minEvidence?: number;
  /** Calm buckets in a row that resolve an incident. */
  resolveBuckets?: number;
  /** The normal band's upper edge: counts above it have less than this chance. */
  bandTail?: number;
  /** Buckets a series must have learned from before it may open an incident. */
  minExperience?: number;
  /** An incident open this long stops shielding the baseline: the new rate may be the new normal. */
  maxShieldMs?: number;
}

/** A detector's whole state as plain JSON: stored by the aggregator so a restart resumes. */
export interface SeriesDetectorSnapshot {
  version: 1;
  baseline: SeasonalBaselineSnapshot;
  recent: Recent[];
  incident?: IncidentState | undefined;
  calm: number;
  lastT?: number | undefined;
  windowFloor?: number | undefined;
}

interface Recent {
  t: number;
  /** The evidence: distinct new reporters when given, else the count. */
  value: number;
  expected: number;
  upper: number;
}

/** A Bonferroni-adjusted p-value on the score's log scale: p = 10^-scale scores 1. */
function scoreOf(adjustedP: number, scale: number): number {
  return adjustedP >= 1 ? 0 : Math.min(1, -Math.log10(adjustedP) / scale);
}

/** Buckets a time-of-week slot learns unclipped before its own history is trusted to judge. */
const SLOT_WARMUP = 20;

const DEFAULTS = {
  priorRate: 0.05,
  memoryWeeks: 4,
  windows: [1, 3, 10, 30],
  scoreScale: 10,
  openScore: 0.7,
  possibleScore: 0.4,
  minRatio: 2.5,
  minOpenWindow: 3,
  minEvidence: 5,
  bandTail: 0.001,
  minExperience: 60,
  maxShieldMs: 6 * 3_600_000,
};

/**
 * A streaming outage detector for one series of counts. Feed it buckets in time order; for each it
 * answers, from the past only, what was expected, the top of the normal band, an anomaly score in
 * [0, 1] and the series' status, and opens, updates and resolves incidents.
 *
 * The test: over each window (1, 3, 10 and 30 buckets by default) the observed sum is compared
 * with the expected sum under a negative binomial model; the smallest tail probability, times the
 * number of windows, becomes the score on a log scale (p = 1e-10 scores 1). The one-bucket window
 * catches a sharp onset at once; the long windows add up a slow build-up that no single bucket
 * shows. An incident opens only when the score is high, the rate is at least twice the expected
 * one, and enough distinct reporters stand behind it; it resolves after a run of calm buckets.
 *
 * When buckets carry `reporters` (new distinct reporters), the detector models those rather than
 * raw counts: people, not messages, are the evidence, so a flood from three accounts is three.
 */
export class SeriesDetector {
  readonly #options: Required<Omit<SeriesDetectorOptions, "resolveBuckets">> & { resolveBuckets: number };
  readonly #baseline: SeasonalBaseline;
  readonly #recent: Recent[] = [];
  readonly #history: number;
  #incident: IncidentState | undefined;
  /** The incident resolved at the latest bucket, reported with its "resolved" verdict. */
  #resolved: IncidentState | undefined;
  #calm = 0;
  #lastT: number | undefined;
  /** Start of the buckets windows may use: after the last incident's end. */
  #windowFloor = Number.NEGATIVE_INFINITY;

  constructor(options: SeriesDetectorOptions) {
    const bucketMs = options.bucketMs;
    this.#options = {
      ...DEFAULTS,
      ...options,
      // Ten minutes of calm at minute buckets; at least three buckets at coarser ones.
      resolveBuckets: options.resolveBuckets ?? Math.max(3, Math.round(600_000 / bucketMs)),
    };
    this.#baseline = new SeasonalBaseline({
      bucketMs,
      priorRate: this.#options.priorRate,
      memoryWeeks: this.#options.memoryWeeks,
    });
    this.#history = Math.max(...this.#options.windows, 60);
  }

  snapshot(): SeriesDetectorSnapshot {
    return {
      version: 1,
      baseline: this.#baseline.snapshot(),
      recent: this.#recent.map((entry) => ({ ...entry })),
      ...(this.#incident ? { incident: { ...this.#incident } } : {}),
      calm: this.#calm,
      ...(this.#lastT !== undefined ? { lastT: this.#lastT } : {}),
      ...(Number.isFinite(this.#windowFloor) ? { windowFloor: this.#windowFloor } : {}),
    };
  }

  /** A detector with these options that carries on exactly where the snapshot's left off. */
  static restore(options: SeriesDetectorOptions, snapshot: SeriesDetectorSnapshot): SeriesDetector {
    if (snapshot.version !== 1) throw new Error(`unknown detector snapshot version ${snapshot.version}`);
    const detector = new SeriesDetector(options);
    detector.#baseline.restore(snapshot.baseline);
    detector.#recent.push(...snapshot.recent.map((entry) => ({ ...entry })));
    detector.#incident = snapshot.incident ? { ...snapshot.incident } : undefined;
    detector.#calm = snapshot.calm;
    detector.#lastT = snapshot.lastT;
    detector.#windowFloor = snapshot.windowFloor ?? Number.NEGATIVE_INFINITY;
    return detector;
  }

  /**
   * The normal band over [from, to) in steps of `stepMs` (a multiple of the bucket width), from the
   * baseline as it stands: for each step the expected count and the top of the band. What a chart
   * draws behind the counts.
   */
  band(from: number, to: number, stepMs: number): Array<{ t: number; expected: number; upper: number }> {
    const { bucketMs, bandTail } = this.#options;
    const dispersion = this.#baseline.dispersion;
    const points: Array<{ t: number; expected: number; upper: number }> = [];
    for (let t = from; t < to; t += stepMs) {
      let expected = 0;
      let squares = 0;
      for (let bucket = t; bucket < t + stepMs; bucket += bucketMs) {
        const value = this.#baseline.expected(bucket);
        expected += value;
        squares += value * value;
      }
      const stepDispersion = expected > 0 ? (dispersion * squares) / (expected * expected) : dispersion;
      points.push({ t, expected, upper: upperQuantile(expected, stepDispersion, bandTail) });
    }
    return points;
  }

  push(input: BucketInput): BucketVerdict {
    const { bucketMs } = this.#options;
    if (this.#lastT !== undefined && input.t <= this.#lastT) {
      throw new Error(`buckets must come in time order: ${input.t} after ${this.#lastT}`);
    }
    // Buckets with no signal are often simply absent: fill the gap with zeros.
    if (this.#lastT !== undefined) {
      for (let t = this.#lastT + bucketMs; t < input.t; t += bucketMs)
        this.#step({ t, count: 0, reporters: 0 });
    }
    return this.#step(input);
  }

  #step(input: BucketInput): BucketVerdict {
    const { windows, scoreScale, bandTail } = this.#options;
    const expected = this.#baseline.expected(input.t);
    const dispersion = this.#baseline.dispersion;
    const upper = upperQuantile(expected, dispersion, bandTail);
    const value = input.reporters ?? input.count;
    const bucket: Recent = { t: input.t, value, expected, upper };
    this.#recent.push(bucket);
    if (this.#recent.length > this.#history) this.#recent.shift();
    this.#lastT = input.t;

    // The most surprising window, and what it holds.
    let minP = 1;
    let trigger = { observed: 0, expected: 0 };
    // The strongest window long enough to open an incident, judged by the same test.
    let openP = 1;
    // Windows never reach back past the end of the last incident, which would reopen it at once.
    let usable = 0;
    while (usable < this.#recent.length && (this.#recent.at(-1 - usable) as Recent).t >= this.#windowFloor)
      usable++;
    for (const window of windows) {
      if (window > usable) break;
      let observed = 0;
      let expectedSum = 0;
      let squares = 0;
      for (let i = this.#recent.length - window; i < this.#recent.length; i++) {
        const entry = this.#recent[i] as Recent;
        observed += entry.value;
        expectedSum += entry.expected;
        squares += entry.expected * entry.expected;
      }
      if (observed <= expectedSum) continue;
      // A sum of buckets keeps the mean-variance relation: variance = sum + d' sum^2, with d' from
      // the buckets' own dispersion.
      const windowDispersion = (dispersion * squares) / (expectedSum * expectedSum);
      const p = countUpperTail(observed, expectedSum, windowDispersion);
      minP = Math.min(minP, p);
      if (window >= this.#options.minOpenWindow && p < openP) {
        openP = p;
        trigger = { observed, expected: expectedSum };
      }
    }
    const score = scoreOf(minP * windows.length, scoreScale);

    const warmingUp = this.#baseline.experience < this.#options.minExperience;
    const openScore = scoreOf(openP * windows.length, scoreScale);
    const event = warmingUp ? undefined : this.#advanceIncident(bucket, openScore, trigger);
    const shielded =
      this.#incident !== undefined && input.t - this.#incident.startedAt <= this.#options.maxShieldMs;
    if (!shielded) {
      // A time of week seen too little to judge by is learned as it comes. Afterwards counts are
      // clipped to the band, so a spike moves the baseline by no more than an ordinary bucket.
      // During an incident nothing is learned, unless it lasts so long it is the new normal.
      const raw = this.#baseline.slotExperience(input.t) < SLOT_WARMUP || this.#incident !== undefined;
      this.#baseline.learn(input.t, raw ? value : Math.min(value, upper), expected);
    }
    // While the series is too young to judge, it is not judged: no score, no status.
    if (warmingUp) return { t: input.t, count: input.count, expected, upper, score: 0, status: "ok" };
    const status: SeriesStatus = this.#incident
      ? "problems"
      : score >= this.#options.possibleScore
        ? "possible"
        : "ok";
    const incident = this.#incident ?? (event === "resolved" ? this.#resolved : undefined);
    return {
      t: input.t,
      count: input.count,
      expected,
      upper,
      score,
      status,
      ...(incident ? { incident: { ...incident } } : {}),
      ...(event ? { event } : {}),
    };
  }

  #advanceIncident(
    bucket: Recent,
    score: number,
    trigger: { observed: number; expected: number },
  ): BucketVerdict["event"] {
    const options = this.#options;
    if (!this.#incident) {
      if (
        score >= options.openScore &&
        trigger.observed >= options.minEvidence &&
        trigger.observed >= options.minRatio * trigger.expected
      ) {
        this.#incident = {
          startedAt: this.#onset(),
          detectedAt: bucket.t,
          peakAt: bucket.t,
          peakCount: bucket.value,
          peakExpected: bucket.expected,
          peakScore: score,
        };
        this.#calm = 0;
        return "opened";
      }
      return undefined;
    }
    const incident = this.#incident;
    // Calm is judged bucket by bucket: the long windows remember the outage for half an hour after.
    const calm = bucket.value <= Math.max(bucket.upper, options.minRatio * bucket.expected);
    this.#calm = calm ? this.#calm + 1 : 0;
    if (this.#calm >= options.resolveBuckets) {
      // It ended where the calm run began.
      incident.resolvedAt = bucket.t - (this.#calm - 1) * options.bucketMs;
      this.#windowFloor = incident.resolvedAt;
      this.#resolved = incident;
      this.#incident = undefined;
      return "resolved";
    }
    let event: BucketVerdict["event"];
    if (bucket.value > incident.peakCount) {
      incident.peakAt = bucket.t;
      incident.peakCount = bucket.value;
      incident.peakExpected = bucket.expected;
      event = "updated";
    }
    incident.peakScore = Math.max(incident.peakScore, score);
    return event;
  }

  /**
   * Walks back from the newest bucket over the run of elevated buckets (above the band, or at
   * least twice the expected count; one ordinary bucket inside the run is forgiven) and returns
   * the start of its first bucket: the onset, which is usually before the detection.
   */
  #onset(): number {
    let onset = (this.#recent.at(-1) as Recent).t;
    let gap = 0;
    for (let i = this.#recent.length - 1; i >= 0; i--) {
      const entry = this.#recent[i] as Recent;
      const elevated =
        entry.value > entry.upper || entry.value >= this.#options.minRatio * Math.max(entry.expected, 0.5);
      if (elevated) {
        onset = entry.t;
        gap = 0;
      } else if (++gap > 1) {
        break;
      }
    }
    return onset;
  }
}
