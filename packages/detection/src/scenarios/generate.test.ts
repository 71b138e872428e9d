import { describe, expect, it } from "vitest";
import { generateScenarios } from "./generate.ts";
import type { Scenario } from "./scenario.ts";
import { spotifyOutageScenario } from "./spotify-2025-04-16.ts";

const WEEK_MS = 7 * 24 * 60 * 60_000;
const scenarios = generateScenarios(1);
const all: Scenario[] = [...scenarios, spotifyOutageScenario(1)];

function indexOf(scenario: Scenario, t: number): number {
  return ((t - (scenario.points[0]?.t ?? 0)) / scenario.bucketMs) | 0;
}

function sum(scenario: Scenario, from: number, to: number): number {
  return scenario.points.slice(from, to + 1).reduce((total, point) => total + point.count, 0);
}

describe("scenario generation", () => {
  it("is reproducible: the same seed gives the same counts, another seed others", { timeout: 30_000 }, () => {
    // Compared as strings: deep equality over 700,000 points is slow.
    const counts = (list: Scenario[]) =>
      list.map((scenario) => scenario.points.map((p) => p.count).join(","));
    expect(counts(generateScenarios(1))).toEqual(counts(scenarios));
    expect(counts(generateScenarios(2))).not.toEqual(counts(scenarios));
    expect(counts([spotifyOutageScenario(1)])).toEqual(counts(all.slice(-1)));
  });

  it("gives every scenario a unique name and points in time order at its bucket width", () => {
    expect(new Set(all.map((scenario) => scenario.name)).size).toBe(all.length);
    for (const scenario of all) {
      expect(scenario.points.length).toBeGreaterThan(scenario.warmupBuckets);
      // One expect per scenario: hundreds of thousands of them would be slow.
      const bad = scenario.points.filter((point, i) => {
        const gap = i === 0 ? scenario.bucketMs : point.t - (scenario.points[i - 1]?.t ?? 0);
        const reporters = point.reporters ?? 0;
        return gap !== scenario.bucketMs || !Number.isInteger(point.count) || reporters > point.count;
      });
      expect(bad, scenario.name).toEqual([]);
    }
  });

  it("includes every kind of event, each inside the scored part", () => {
    const kinds = (expect: string) =>
      new Set(all.flatMap((s) => s.events.filter((e) => e.expect === expect).map((e) => e.kind)));
    expect([...kinds("detect")].sort()).toEqual(["outage", "ramp"]);
    expect([...kinds("ignore")].sort()).toEqual(["blip", "chatter", "flood"]);
    for (const scenario of all) {
      const firstScored = scenario.points[scenario.warmupBuckets]?.t ?? 0;
      for (const event of scenario.events) {
        expect(event.start).toBeGreaterThanOrEqual(firstScored);
        expect(event.end).toBeGreaterThanOrEqual(event.start);
      }
    }
    expect(all.filter((s) => s.name.startsWith("clean-")).every((s) => s.events.length === 0)).toBe(true);
  });

  it("puts outage buckets near multiplier times the same minutes a week earlier", () => {
    let checked = 0;
    for (const scenario of scenarios) {
      for (const event of scenario.events.filter((e) => e.kind === "outage")) {
        const from = indexOf(scenario, event.start);
        const to = indexOf(scenario, event.end);
        const weekBuckets = WEEK_MS / scenario.bucketMs;
        const baseline = sum(scenario, from - weekBuckets, to - weekBuckets);
        // A week earlier must exist, and hold enough reports for the ratio to mean something.
        if (from < weekBuckets || baseline < 500) continue;
        // The history outage of "outage-after-outage-in-history" sits exactly a week earlier: go two back.
        const clean = scenario.name.includes("history")
          ? sum(scenario, from - 2 * weekBuckets, to - 2 * weekBuckets)
          : baseline;
        const ratio = sum(scenario, from, to) / clean;
        expect(ratio, scenario.name).toBeGreaterThan(0.8 * event.multiplier);
        expect(ratio, scenario.name).toBeLessThan(1.25 * event.multiplier);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it("floods 200 reports behind no more than a handful of new reporters", () => {
    const flood = scenarios.find((s) => s.events.some((e) => e.kind === "flood"));
    const events = flood?.events ?? [];
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      const buckets = flood?.points.filter((p) => p.t >= event.start && p.t <= event.end) ?? [];
      expect(buckets.reduce((total, p) => total + p.count, 0)).toBeGreaterThanOrEqual(200);
      // The flooders (1 or 2) are new once; the quiet series' own reporters add a few at most.
      expect(buckets.reduce((total, p) => total + (p.reporters ?? 0), 0)).toBeLessThanOrEqual(5);
    }
  });

  it("replays the Spotify outage peaking near 48,000 reports a minute around 13:30 UTC", () => {
    const spotify = all[all.length - 1] as Scenario;
    const [outage] = spotify.events;
    expect(outage?.expect).toBe("detect");
    expect(new Date(outage?.start ?? 0).toISOString()).toBe("2025-04-16T12:00:00.000Z");
    const peak = spotify.points.reduce((best, point) => (point.count > best.count ? point : best));
    expect(peak.count).toBeGreaterThan(40_000);
    expect(Math.abs(peak.t - Date.parse("2025-04-16T13:30:00Z"))).toBeLessThanOrEqual(10 * 60_000);
    const before = spotify.points.slice(spotify.warmupBuckets, indexOf(spotify, outage?.start ?? 0));
    expect(before.reduce((total, p) => total + p.count, 0) / before.length).toBeLessThan(100);
  });

  it("gives the Spotify outage @SpotifyStatus's acknowledgement at 12:45 UTC and all clear at 16:08 UTC", () => {
    const [outage] = (all[all.length - 1] as Scenario).events;
    expect(new Date(outage?.official?.acknowledgedAt ?? 0).toISOString()).toBe("2025-04-16T12:45:00.000Z");
    expect(new Date(outage?.official?.resolvedAt ?? 0).toISOString()).toBe("2025-04-16T16:08:00.000Z");
    expect(outage?.official?.source).toContain("@SpotifyStatus");
  });

  it("times generated official words from the outage's first bucket, before it when the provider was first", () => {
    const regional = all.find((scenario) => scenario.name === "regional-outage-6x");
    const [outage] = regional?.events ?? [];
    expect((outage?.official?.acknowledgedAt ?? 0) - (outage?.start ?? 0)).toBe(-10 * 60_000);
    const silent = all.find((scenario) => scenario.name === "outage-10x-night-trough")?.events[0];
    expect(silent?.official).toEqual({ source: expect.stringContaining("never") });
  });
});
