import { describe, expect, it } from "vitest";
import {
  compareWithOfficial,
  formatLag,
  officialEpisodes,
  type SourcedChange,
  unacknowledged,
} from "./official-lag.ts";
import { parseStatuspageSummary, readStatuspage } from "./statuspage.ts";

// Hand-made timelines: times are minutes after 12:00 UTC on 16 April 2025.
const T0 = Date.parse("2025-04-16T12:00:00Z");
const m = (minutes: number) => T0 + minutes * 60_000;
const PAGE = "https://status.example.com";
const MIN = 60_000;

const incidentWord = (
  id: string,
  created: number,
  resolved?: number,
  components?: string[],
): SourcedChange[] => [
  {
    source: PAGE,
    kind: "incident-created",
    at: m(created),
    incidentId: id,
    title: `incident ${id}`,
    ...(components ? { components } : {}),
  },
  ...(resolved === undefined
    ? []
    : [
        {
          source: PAGE,
          kind: "incident-resolved" as const,
          at: m(resolved),
          incidentId: id,
          ...(components ? { components } : {}),
        },
      ]),
];
const componentWord = (name: string, status: string, at: number, group?: string): SourcedChange => ({
  source: PAGE,
  kind: "component",
  at: m(at),
  status,
  componentId: name.toLowerCase(),
  componentName: name,
  ...(group ? { componentGroup: group } : {}),
});
const everything = [{ source: PAGE }];

describe("the official lag of one crowd incident", () => {
  it("measures acknowledgement and resolution from the crowd's onset", () => {
    const episodes = officialEpisodes(incidentWord("a", 20, 60), everything);
    const comparison = compareWithOfficial({ id: "x", startedAt: m(0), resolvedAt: m(50) }, episodes, m(90));
    expect(comparison).toMatchObject({
      acknowledgedAt: m(20),
      acknowledgementLagMs: 20 * MIN,
      resolvedOfficially: m(60),
      resolutionLagMs: 60 * MIN,
    });
    expect(comparison.acknowledgedBy).toMatchObject({ kind: "incident", ref: "a" });
  });

  it("gives a negative lag, shown as such, when the provider spoke before the crowd", () => {
    const episodes = officialEpisodes(incidentWord("a", -10, 30), everything);
    const comparison = compareWithOfficial({ id: "x", startedAt: m(0), resolvedAt: m(25) }, episodes, m(90));
    expect(comparison.acknowledgedAt).toBe(m(-10));
    expect(comparison.acknowledgementLagMs).toBe(-10 * MIN);
    expect(formatLag(comparison.acknowledgementLagMs ?? 0)).toBe("-10 min");
    expect(formatLag(20 * MIN)).toBe("+20 min");
    expect(formatLag(20_000)).toBe("0 min");
  });

  it("takes the first of overlapping official words, and resolves with the last of them", () => {
    const episodes = officialEpisodes(
      [
        componentWord("Playback", "degraded_performance", 10),
        ...incidentWord("a", 15, 55),
        componentWord("Playback", "major_outage", 20),
        componentWord("Playback", "operational", 40),
      ],
      everything,
    );
    expect(episodes.map((episode) => [episode.kind, episode.start, episode.end])).toEqual([
      ["component", m(10), m(40)],
      ["incident", m(15), m(55)],
    ]);
    const comparison = compareWithOfficial({ id: "x", startedAt: m(0), resolvedAt: m(45) }, episodes, m(90));
    expect(comparison).toMatchObject({ acknowledgedAt: m(10), resolvedOfficially: m(55) });
  });

  it("compares back-to-back crowd incidents with one official incident spanning both", () => {
    const episodes = officialEpisodes(incidentWord("a", 5, 30), everything);
    const first = compareWithOfficial({ id: "x", startedAt: m(0), resolvedAt: m(20) }, episodes, m(90));
    const second = compareWithOfficial({ id: "y", startedAt: m(21), resolvedAt: m(40) }, episodes, m(90));
    expect([first.acknowledgementLagMs, first.resolutionLagMs]).toEqual([5 * MIN, 30 * MIN]);
    // The provider's word was already out when the second began.
    expect([second.acknowledgementLagMs, second.resolutionLagMs]).toEqual([-16 * MIN, 9 * MIN]);
  });

  it("compares overlapping crowd incidents (a region's inside the global one) each on its own", () => {
    const episodes = officialEpisodes(
      [...incidentWord("a", 12, 70), ...incidentWord("b", 45, 80)],
      everything,
    );
    const global = compareWithOfficial({ id: "global", startedAt: m(0), resolvedAt: m(60) }, episodes, m(90));
    const regional = compareWithOfficial({ id: "gb", startedAt: m(30), resolvedAt: m(50) }, episodes, m(90));
    expect(global).toMatchObject({ acknowledgedAt: m(12), resolvedOfficially: m(80) });
    expect(regional).toMatchObject({ acknowledgementLagMs: -18 * MIN, resolvedOfficially: m(80) });
  });

  it("ignores official words that ended before the onset or began after the end", () => {
    const episodes = officialEpisodes(
      [...incidentWord("before", -40, -5), ...incidentWord("after", 61, 70)],
      everything,
    );
    const comparison = compareWithOfficial({ id: "x", startedAt: m(0), resolvedAt: m(60) }, episodes, m(90));
    expect(comparison).toEqual({ incidentId: "x", onsetAt: m(0) });
  });

  it("leaves resolution open while an overlapping official word is", () => {
    const episodes = officialEpisodes(incidentWord("a", 10), everything);
    const comparison = compareWithOfficial({ id: "x", startedAt: m(0) }, episodes, m(30));
    expect(comparison.acknowledgedAt).toBe(m(10));
    expect(comparison.resolvedOfficially).toBeUndefined();
  });

  it("reads providers' timestamps in their own zones before comparing", () => {
    // The page writes in Tokyo time: 21:07+09:00 is 12:07 UTC, seven minutes after onset.
    const summary = parseStatuspageSummary(
      JSON.stringify({
        page: { id: "p", name: "Tokyo page", url: PAGE, updated_at: "2025-04-16T21:07:00+09:00" },
        status: { indicator: "minor", description: "Minor Service Outage" },
        components: [],
        incidents: [
          {
            id: "jp1",
            name: "Login errors",
            status: "investigating",
            impact: "minor",
            created_at: "2025-04-16T21:07:00+09:00",
            updated_at: "2025-04-16T21:07:00+09:00",
            resolved_at: null,
            incident_updates: [],
          },
        ],
      }),
    );
    const changes = readStatuspage(summary, undefined, undefined).changes.map((change) => ({
      ...change,
      source: PAGE,
    }));
    const episodes = officialEpisodes(changes, everything);
    // The crowd's onset in New York time: 08:00-04:00 is 12:00 UTC.
    const onset = Date.parse("2025-04-16T08:00:00-04:00");
    const comparison = compareWithOfficial({ id: "x", startedAt: onset }, episodes, m(30));
    expect(comparison.acknowledgementLagMs).toBe(7 * MIN);
  });

  it("counts only the named components of a shared page, and incidents that name them or none", () => {
    const changes = [
      componentWord("Rocket League", "major_outage", 5),
      ...incidentWord("rl", 6, 20, ["Rocket League"]),
      { source: PAGE, kind: "status" as const, at: m(5), status: "major" },
      ...incidentWord("fn", 25, 40, ["Matchmaking"]),
      componentWord("Matchmaking", "partial_outage", 24, "Fortnite"),
    ];
    const episodes = officialEpisodes(changes, [{ source: PAGE, components: ["fortnite"] }]);
    // The incident lists Matchmaking, not the group: only the component's own episode counts.
    expect(episodes.map((episode) => [episode.kind, episode.ref])).toEqual([["component", "matchmaking"]]);
    const unnamed = officialEpisodes(incidentWord("all", 3, 9), [{ source: PAGE, components: ["Fortnite"] }]);
    expect(unnamed.map((episode) => episode.ref)).toEqual(["all"]);
    expect(officialEpisodes(changes, [{ source: "https://other.example" }])).toEqual([]);
  });
});

describe("unacknowledged problems", () => {
  it("counts the minutes the crowd has seen problems while the official word says all is well", () => {
    const crowd = { id: "x", startedAt: m(0) };
    expect(unacknowledged(crowd, [], m(37) + 30_000)).toEqual({ since: m(0), minutes: 37 });

    const acknowledged = officialEpisodes(incidentWord("a", 38), everything);
    expect(unacknowledged(crowd, acknowledged, m(40))).toBeUndefined();

    // The provider calls it resolved at 50; the crowd still says problems at 65.
    const resolved = officialEpisodes(incidentWord("a", 38, 50), everything);
    expect(unacknowledged(crowd, resolved, m(65))).toEqual({ since: m(50), minutes: 15 });
    expect(unacknowledged({ ...crowd, resolvedAt: m(60) }, resolved, m(65))).toBeUndefined();
  });

  it("takes an official account's post during the incident as acknowledgement", () => {
    const post: SourcedChange = { source: "at://example.com", kind: "post", at: m(12) };
    const episodes = officialEpisodes([post], [{ source: "at://example.com" }]);
    expect(unacknowledged({ id: "x", startedAt: m(0) }, episodes, m(20))).toBeUndefined();
    const comparison = compareWithOfficial({ id: "x", startedAt: m(0) }, episodes, m(20));
    expect(comparison).toMatchObject({ acknowledgedAt: m(12), acknowledgementLagMs: 12 * MIN });
    expect(comparison.resolvedOfficially).toBeUndefined();
  });
});
