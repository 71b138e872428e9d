import { describe, expect, it } from "vitest";
import { SeriesDetector } from "./series-detector.ts";
import type { BucketVerdict } from "./types.ts";

const MINUTE = 60_000;
const WEEK_MINUTES = 7 * 24 * 60;
const t0 = Date.parse("2025-03-03T00:00:00Z"); // a Monday

/** Deterministic Poisson counts (mulberry32 + Knuth / normal approximation). */
function poissonStream(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4_294_967_296;
  };
  return (mean: number) => {
    if (mean > 30) {
      const normal = Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
    }
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = next(); p > limit; p *= next()) k++;
    return k;
  };
}

/** A daily curve: quiet at night (UTC), busy in the evening. */
const daily = (minute: number) => 0.6 + 0.4 * Math.sin(((minute % 1440) / 1440) * 2 * Math.PI - Math.PI / 2);

function run(
  rate: number,
  minutes: number,
  shape: (minute: number) => number = () => 1,
  seed = 7,
  reporters?: (minute: number, count: number) => number,
) {
  const sample = poissonStream(seed);
  const detector = new SeriesDetector({ bucketMs: MINUTE });
  const verdicts: BucketVerdict[] = [];
  for (let minute = 0; minute < minutes; minute++) {
    const count = sample(rate * daily(minute) * shape(minute));
    verdicts.push(
      detector.push({
        t: t0 + minute * MINUTE,
        count,
        reporters: reporters ? reporters(minute, count) : count,
      }),
    );
  }
  return verdicts;
}

const opened = (verdicts: BucketVerdict[]) => verdicts.filter((verdict) => verdict.event === "opened");

describe("SeriesDetector", () => {
  it("learns a seasonal baseline close to the true rate", () => {
    const verdicts = run(20, 3 * WEEK_MINUTES);
    const lastDay = verdicts.slice(-1440);
    for (const minute of [180, 720, 1260]) {
      const verdict = lastDay[minute] as BucketVerdict;
      const truth = 20 * daily(minute);
      // Hourly slots, interpolated: within a fifth of the truth even at the trough's curve.
      expect(verdict.expected).toBeGreaterThan(truth * 0.8);
      expect(verdict.expected).toBeLessThan(truth * 1.2);
      expect(verdict.upper).toBeGreaterThan(verdict.expected);
    }
  });

  it.each([0.05, 2, 200])("stays quiet on three weeks of ordinary traffic at %s per minute", (rate) => {
    const verdicts = run(rate, 3 * WEEK_MINUTES);
    expect(opened(verdicts)).toEqual([]);
  });

  it("detects a 5x outage within two buckets of its onset, dated from the onset", () => {
    const onset = 2 * WEEK_MINUTES + 1000;
    const verdicts = run(10, onset + 240, (minute) => (minute >= onset && minute < onset + 90 ? 5 : 1));
    const [incident] = opened(verdicts);
    expect(incident).toBeDefined();
    const detectedAfter = ((incident?.t ?? 0) - (t0 + onset * MINUTE)) / MINUTE;
    expect(detectedAfter).toBeGreaterThanOrEqual(0);
    expect(detectedAfter).toBeLessThanOrEqual(2);
    expect(incident?.incident?.startedAt).toBe(t0 + onset * MINUTE);
    const resolved = verdicts.find((verdict) => verdict.event === "resolved");
    expect(resolved?.incident?.resolvedAt).toBeGreaterThanOrEqual(t0 + (onset + 85) * MINUTE);
    expect(resolved?.incident?.resolvedAt).toBeLessThanOrEqual(t0 + (onset + 100) * MINUTE);
    expect(opened(verdicts)).toHaveLength(1);
  });

  it("does not let an outage raise the baseline it is measured against next week", () => {
    const onset = WEEK_MINUTES + 600;
    const verdicts = run(10, 2 * WEEK_MINUTES + 700, (minute) =>
      minute >= onset && minute < onset + 120 ? 8 : 1,
    );
    const sameTimeNextWeek = verdicts[onset + WEEK_MINUTES + 60] as BucketVerdict;
    const truth = 10 * daily(onset + 60);
    expect(sameTimeNextWeek.expected).toBeLessThan(truth * 1.2);
  });

  it("opens no incident for a flood from three reporters", () => {
    const start = 2 * WEEK_MINUTES + 900;
    const verdicts = run(
      2,
      start + 60,
      (minute) => (minute >= start && minute < start + 10 ? 12 : 1),
      11,
      // The three flooders are new reporters in the first flooded minute only.
      (minute, count) => (minute === start ? 3 : minute > start && minute < start + 10 ? 0 : count),
    );
    expect(opened(verdicts)).toEqual([]);
    // The counts did jump: the detector saw them and judged by the people behind them.
    expect(Math.max(...verdicts.slice(start, start + 10).map((verdict) => verdict.count))).toBeGreaterThan(
      10,
    );
  });

  it("carries on exactly where it left off when restored from a JSON snapshot", () => {
    const sample = poissonStream(3);
    const inputs = Array.from({ length: 2 * 1440 }, (_, minute) => {
      const outage = minute >= 2000 && minute < 2100 ? 6 : 1;
      const count = sample(8 * daily(minute) * outage);
      return { t: t0 + minute * MINUTE, count, reporters: count };
    });
    const original = new SeriesDetector({ bucketMs: MINUTE });
    for (const input of inputs.slice(0, 2050)) original.push(input);
    const stored = JSON.parse(JSON.stringify(original.snapshot()));
    const restored = SeriesDetector.restore({ bucketMs: MINUTE }, stored);
    expect(stored.incident).toBeDefined();
    const rest = inputs.slice(2050);
    expect(rest.map((input) => restored.push(input))).toEqual(rest.map((input) => original.push(input)));
  });

  it("fills missing buckets with zeros and refuses buckets out of order", () => {
    const detector = new SeriesDetector({ bucketMs: MINUTE });
    detector.push({ t: t0, count: 1 });
    const later = detector.push({ t: t0 + 10 * MINUTE, count: 0 });
    expect(later.t).toBe(t0 + 10 * MINUTE);
    expect(() => detector.push({ t: t0 + 5 * MINUTE, count: 1 })).toThrow("time order");
  });

  it("does not judge a series before it has learned from enough buckets", () => {
    const detector = new SeriesDetector({ bucketMs: MINUTE, minExperience: 10 });
    expect(detector.push({ t: t0, count: 500 }).score).toBe(0);
  });

  it("scores in [0, 1], rising with the surprise", () => {
    const detector = new SeriesDetector({ bucketMs: MINUTE, priorRate: 5, minExperience: 0 });
    const calm = detector.push({ t: t0, count: 5 });
    const high = detector.push({ t: t0 + MINUTE, count: 40 });
    expect(calm.score).toBe(0);
    expect(high.score).toBeGreaterThan(0.5);
    expect(high.score).toBeLessThanOrEqual(1);
  });
});
