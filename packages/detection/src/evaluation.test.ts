import { describe, expect, it } from "vitest";
import { type Detector, evaluate, evaluateScenario, formatEvaluation } from "./evaluation.ts";
import type { LabelledEvent, Scenario } from "./scenarios/scenario.ts";
import type { BucketInput, BucketVerdict, IncidentState } from "./types.ts";

const BUCKET_MS = 60_000;
const at = (index: number): number => index * BUCKET_MS;

/** A detector that follows a script: at bucket index → what happens and the onset it claims. */
type Script = Record<number, { event: "opened" | "updated" | "resolved"; startedAt?: number }>;

function scriptedDetector(script: Script): Detector {
  let incident: IncidentState | undefined;
  return {
    push(input: BucketInput): BucketVerdict {
      const step = script[input.t / BUCKET_MS];
      const base = { t: input.t, count: input.count, expected: 1, upper: 2, score: 0 };
      if (step?.event === "opened") {
        const startedAt = at(step.startedAt ?? input.t / BUCKET_MS);
        incident = {
          startedAt,
          detectedAt: input.t,
          peakAt: input.t,
          peakCount: 0,
          peakExpected: 1,
          peakScore: 1,
        };
      } else if (incident && step?.startedAt !== undefined) {
        incident = { ...incident, startedAt: at(step.startedAt) };
      }
      if (!incident) return { ...base, status: "ok" };
      const verdict: BucketVerdict = { ...base, score: 1, status: "problems", incident, event: step?.event };
      if (step?.event === "resolved") incident = undefined;
      return verdict;
    },
  };
}

// 10 warm-up buckets, then 100 scored (indices 10 to 109), with three labelled events.
const scenario: Scenario = {
  name: "hand-made",
  description: "Three events and a scripted detector.",
  bucketMs: BUCKET_MS,
  warmupBuckets: 10,
  points: Array.from({ length: 110 }, (_, i) => ({ t: at(i), count: 1, reporters: 1 })),
  events: [
    { kind: "outage", start: at(20), end: at(29), multiplier: 5, expect: "detect" },
    { kind: "ramp", start: at(50), end: at(59), multiplier: 4, expect: "detect" },
    { kind: "blip", start: at(70), end: at(71), multiplier: 3, expect: "ignore" },
  ],
};

const firstEvent = (of: Scenario): LabelledEvent => of.events[0] as LabelledEvent;

const script: Script = {
  // Opened during the warm-up: not scored, nor is its resolution after it.
  5: { event: "opened", startedAt: 4 },
  12: { event: "resolved" },
  // Detects the outage 3 buckets in; the onset estimate is refined to 19, 1 bucket early.
  23: { event: "opened", startedAt: 21 },
  25: { event: "updated", startedAt: 19 },
  35: { event: "resolved" },
  // Opened before the ramp and still open into it: neither a detection nor a false incident.
  45: { event: "opened", startedAt: 44 },
  52: { event: "resolved" },
  // False: overlaps no event.
  61: { event: "opened" },
  65: { event: "resolved" },
  // False, and alarms on the blip.
  71: { event: "opened", startedAt: 70 },
  73: { event: "resolved" },
  // False, and never resolved: runs to the end.
  100: { event: "opened" },
};

describe("evaluation harness", () => {
  it("scores detections, latency, onset error and false incidents as computed by hand", () => {
    const result = evaluateScenario(scenario, () => scriptedDetector(script));
    expect(result).toEqual({
      scenario: "hand-made",
      buckets: 100,
      cleanBuckets: 78,
      falseIncidents: 3,
      events: [
        {
          scenario: "hand-made",
          kind: "outage",
          expect: "detect",
          multiplier: 5,
          detected: true,
          latencyBuckets: 3,
          boundaryErrorBuckets: 1,
        },
        { scenario: "hand-made", kind: "ramp", expect: "detect", multiplier: 4, detected: false },
        { scenario: "hand-made", kind: "blip", expect: "ignore", multiplier: 3, detected: true },
      ],
    });
  });

  it("totals recall, false incidents per 100 series-weeks and latency quantiles", () => {
    const quiet: Scenario = { ...scenario, name: "quiet", events: [] };
    const { results, totals } = evaluate([scenario, quiet], (bucketMs) => {
      expect(bucketMs).toBe(BUCKET_MS);
      return scriptedDetector(script);
    });
    // The quiet scenario has no events: its 5 scored incidents (opened at 23, 45, 61, 71, 100) are all false.
    expect(results[1]?.falseIncidents).toBe(5);
    expect(results[1]?.cleanBuckets).toBe(100);
    const weeks = (78 + 100) / (7 * 24 * 60);
    expect(totals.falseIncidentsPer100SeriesWeeks).toBeCloseTo((8 / weeks) * 100, 9);
    expect(totals).toEqual({
      recall: 0.5,
      detectEvents: 2,
      missed: 1,
      falseIncidents: 8,
      falseIncidentsPer100SeriesWeeks: expect.any(Number),
      ignoredEventsAlarmed: 1,
      medianLatencyBuckets: 3,
      p95LatencyBuckets: 3,
      officialEvents: 0,
      unacknowledged: 0,
      medianOfficialLeadMinutes: Number.NaN,
    });
  });

  it("gives a fresh detector to each scenario and counts nothing when it never alarms", () => {
    let made = 0;
    const { totals } = evaluate([scenario, scenario], () => {
      made++;
      return scriptedDetector({});
    });
    expect(made).toBe(2);
    expect(totals).toMatchObject({ recall: 0, missed: 4, falseIncidents: 0, ignoredEventsAlarmed: 0 });
    expect(totals.medianLatencyBuckets).toBeNaN();
  });

  it("measures the lead over the provider's acknowledgement, negative when the provider spoke first", () => {
    const withOfficial: Scenario = {
      ...scenario,
      name: "with-official",
      events: [
        // Detected 3 buckets in (see the script); acknowledged 15 in, resolved 5 after the end.
        {
          ...firstEvent(scenario),
          official: { acknowledgedAt: at(35), resolvedAt: at(34), source: "hand-made" },
        },
        // Never detected, acknowledged before it started.
        {
          ...(scenario.events[1] as LabelledEvent),
          official: { acknowledgedAt: at(48), source: "provider first" },
        },
      ],
    };
    const twice: Scenario = {
      ...withOfficial,
      name: "acknowledged-early-and-never",
      events: [
        { ...firstEvent(scenario), official: { acknowledgedAt: at(21), source: "early" } },
        { ...firstEvent(scenario), start: at(22), official: { source: "never" } },
      ],
    };
    const { results, totals } = evaluate([withOfficial, twice], () => scriptedDetector(script));
    expect(results[0]?.events.map((event) => event.official)).toEqual([
      {
        detectedAfterMinutes: 3,
        acknowledgedAfterMinutes: 15,
        resolvedAfterMinutes: 14,
        leadMinutes: 12,
        source: "hand-made",
      },
      { acknowledgedAfterMinutes: -2, source: "provider first" },
    ]);
    // Opened at 23: the acknowledgement at 21 came 2 minutes before it; the second was never made.
    expect(results[1]?.events.map((event) => event.official?.leadMinutes)).toEqual([-2, undefined]);
    expect(totals).toMatchObject({ officialEvents: 3, unacknowledged: 1, medianOfficialLeadMinutes: -2 });
    const text = formatEvaluation(evaluate([withOfficial, twice], () => scriptedDetector(script)));
    expect(text).toContain("| with-official | outage | 3 | 15 | 12 | 14 | hand-made |");
    expect(text).toContain("| with-official | ramp | – | -2 | – | – | provider first |");
    expect(text).toContain("| acknowledged-early-and-never | outage | 1 | never | – | – | never |");
    expect(text).toContain("| median lead over the official acknowledgement (min) | -2 |");
  });

  it("formats a Markdown table per scenario and the totals", () => {
    const text = formatEvaluation(evaluate([scenario], () => scriptedDetector(script)));
    expect(text).toContain("### hand-made");
    expect(text).toContain("| outage | detect | 5x | detected | 3 | 1 |");
    expect(text).toContain("| ramp | detect | 4x | missed | – | – |");
    expect(text).toContain("| blip | ignore | 3x | alarmed | – | – |");
    expect(text).toContain("| recall | 0.5 (1 of 2) |");
  });
});
