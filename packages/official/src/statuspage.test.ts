import { describe, expect, it } from "vitest";
import { OfficialParseError } from "./official-parse-error.ts";
import {
  parseStatuspageIncidents,
  parseStatuspageSummary,
  readStatuspage,
  type StatuspageState,
} from "./statuspage.ts";

// A summary.json as a Statuspage page whose time zone is America/Los_Angeles serves it (times in
// the page's offset, -07:00 in April), with the fields the real API sends, Outcry's or not.
const page = {
  id: "y2j98763l56x",
  name: "Example Music",
  url: "https://status.example.com",
  time_zone: "America/Los_Angeles",
  updated_at: "2025-04-16T05:52:10.417-07:00",
};
const incident = {
  id: "p4x1k2v9dzqm",
  name: "Playback failing for some users",
  status: "identified",
  created_at: "2025-04-16T05:41:02.118-07:00",
  updated_at: "2025-04-16T05:52:10.398-07:00",
  monitoring_at: null,
  resolved_at: null,
  impact: "major",
  shortlink: "https://stspg.io/abc123",
  started_at: "2025-04-16T05:41:02.111-07:00",
  page_id: page.id,
  incident_updates: [
    {
      id: "u2",
      status: "identified",
      body: "The issue has been identified and a fix is being implemented.",
      incident_id: "p4x1k2v9dzqm",
      created_at: "2025-04-16T05:52:10.391-07:00",
      updated_at: "2025-04-16T05:52:10.391-07:00",
      display_at: "2025-04-16T05:52:10.391-07:00",
      affected_components: [
        { code: "c-play", name: "Playback", old_status: "partial_outage", new_status: "major_outage" },
      ],
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    },
    {
      id: "u1",
      status: "investigating",
      body: "We are investigating reports of playback failures.",
      incident_id: "p4x1k2v9dzqm",
      created_at: "2025-04-16T05:41:02.212-07:00",
      updated_at: "2025-04-16T05:41:02.212-07:00",
      display_at: "2025-04-16T05:41:02.212-07:00",
      affected_components: null,
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    },
  ],
  components: [
    {
      id: "c-play",
      name: "Playback",
      status: "major_outage",
      created_at: "2019-02-01T10:00:00.000-08:00",
      updated_at: "2025-04-16T05:52:10.310-07:00",
      position: 1,
      description: null,
      showcase: true,
      start_date: null,
      group_id: "g-apps",
      page_id: page.id,
      group: false,
      only_show_if_degraded: false,
    },
  ],
  reminder_intervals: null,
};
const component = (id: string, name: string, status: string, updatedAt: string, extra = {}) => ({
  id,
  name,
  status,
  created_at: "2019-02-01T10:00:00.000-08:00",
  updated_at: updatedAt,
  position: 1,
  description: null,
  showcase: false,
  start_date: null,
  group_id: null,
  page_id: page.id,
  group: false,
  only_show_if_degraded: false,
  ...extra,
});
const summary = {
  page,
  components: [
    component("g-apps", "Apps", "major_outage", "2025-04-16T05:52:10.320-07:00", {
      group: true,
      components: ["c-play", "c-login"],
    }),
    component("c-play", "Playback", "major_outage", "2025-04-16T05:52:10.310-07:00", { group_id: "g-apps" }),
    component("c-login", "Login", "operational", "2025-03-01T09:00:00.000-08:00", { group_id: "g-apps" }),
    component("c-web", "Website", "operational", "2025-03-01T09:00:00.000-08:00"),
  ],
  incidents: [incident],
  scheduled_maintenances: [],
  status: { indicator: "major", description: "Partial System Outage" },
};

const utc = (iso: string) => Date.parse(iso);

describe("Statuspage summary", () => {
  it("reads the real shape, with the page's offsets turned into UTC", () => {
    const parsed = parseStatuspageSummary(JSON.stringify(summary));
    expect(parsed.page.updated_at).toBe(utc("2025-04-16T12:52:10.417Z"));
    expect(parsed.incidents[0]?.created_at).toBe(utc("2025-04-16T12:41:02.118Z"));
  });

  it("records on first reading what is wrong, not the components that are fine", () => {
    const { state, changes } = readStatuspage(
      parseStatuspageSummary(JSON.stringify(summary)),
      undefined,
      undefined,
    );
    expect(changes.map((change) => [change.kind, change.naturalKey])).toEqual([
      ["status", "status:major:2025-04-16T12:52:10.417Z"],
      ["component", "component:c-play:major_outage:2025-04-16T12:52:10.310Z"],
      ["incident-created", "incident:p4x1k2v9dzqm:created"],
      ["incident-updated", "incident:p4x1k2v9dzqm:update:u1"],
      ["incident-updated", "incident:p4x1k2v9dzqm:update:u2"],
    ]);
    expect(changes[1]).toMatchObject({ componentName: "Playback", componentGroup: "Apps" });
    expect(changes[2]).toMatchObject({
      at: utc("2025-04-16T12:41:02.118Z"),
      status: "investigating",
      title: "Playback failing for some users",
      body: "We are investigating reports of playback failures.",
      impact: "major",
      components: ["Playback"],
      url: "https://stspg.io/abc123",
    });
    expect(state).toMatchObject({ indicator: "major", name: "Example Music" });
    expect(state.components.map((kept) => kept.name)).toEqual(["Playback", "Login", "Website"]);
  });

  it("finds nothing new when the same page is read again", () => {
    const parsed = parseStatuspageSummary(JSON.stringify(summary));
    const first = readStatuspage(parsed, undefined, undefined);
    // Stored as JSON and read back, as the poller does.
    const stored = JSON.parse(JSON.stringify(first.state)) as StatuspageState;
    expect(readStatuspage(parsed, undefined, stored).changes).toEqual([]);
  });

  it("records the resolution from incidents.json once the summary no longer lists the incident", () => {
    const first = readStatuspage(parseStatuspageSummary(JSON.stringify(summary)), undefined, undefined);
    const resolvedIncident = {
      ...incident,
      status: "resolved",
      updated_at: "2025-04-16T06:30:00.000-07:00",
      resolved_at: "2025-04-16T06:30:00.000-07:00",
      incident_updates: [
        {
          ...incident.incident_updates[0],
          id: "u3",
          status: "resolved",
          body: "This incident has been resolved.",
          created_at: "2025-04-16T06:30:00.000-07:00",
        },
        ...incident.incident_updates,
      ],
    };
    const calm = {
      ...summary,
      page: { ...page, updated_at: "2025-04-16T06:30:01.000-07:00" },
      components: summary.components.map((entry) => ({
        ...entry,
        status: "operational",
        updated_at: entry.status === "operational" ? entry.updated_at : "2025-04-16T06:29:00.000-07:00",
      })),
      incidents: [],
      status: { indicator: "none", description: "All Systems Operational" },
    };
    const incidents = { page: calm.page, incidents: [resolvedIncident] };
    const { changes } = readStatuspage(
      parseStatuspageSummary(JSON.stringify(calm)),
      parseStatuspageIncidents(JSON.stringify(incidents)),
      first.state,
    );
    expect(changes.map((change) => change.naturalKey)).toEqual([
      "status:none:2025-04-16T13:30:01.000Z",
      "component:c-play:operational:2025-04-16T13:29:00.000Z",
      "incident:p4x1k2v9dzqm:created",
      "incident:p4x1k2v9dzqm:update:u1",
      "incident:p4x1k2v9dzqm:update:u2",
      "incident:p4x1k2v9dzqm:update:u3",
      "incident:p4x1k2v9dzqm:resolved",
    ]);
    expect(changes.at(-1)).toMatchObject({ kind: "incident-resolved", at: utc("2025-04-16T13:30:00Z") });
  });

  it("says what is wrong with an answer that is not a summary", () => {
    const problem = (body: string) => {
      try {
        parseStatuspageSummary(body);
      } catch (error) {
        expect(error).toBeInstanceOf(OfficialParseError);
        return (error as Error).message;
      }
      throw new Error("accepted");
    };
    expect(problem("<!DOCTYPE html><html><body>We moved!</body></html>")).toMatch(
      /^summary.json: HTML instead of JSON/,
    );
    expect(problem('{"page": {"id": ')).toMatch(/^summary.json: not JSON/);
    const badStatus = { ...summary, components: [component("c", "API", "on_fire", page.updated_at)] };
    expect(problem(JSON.stringify(badStatus))).toMatch(/^summary.json: components.0.status: /);
    const badTime = { ...summary, page: { ...page, updated_at: "16/04/2025" } };
    expect(problem(JSON.stringify(badTime))).toMatch(/page.updated_at: not a timestamp with a known zone/);
  });
});
