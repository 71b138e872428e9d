import { randomUUID } from "node:crypto";
import { GLOBAL_REGION, insertIncident, type NewOfficialChange, recordOfficialReading } from "@outcry/db";
import { body } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";
import { assertWellFormedXml } from "./well-formed-xml.ts";

// GitHub's seed entry reads all of githubstatus.com; GitHub Copilot's, only its Copilot component.
const PAGE = "https://www.githubstatus.com";
const at = (iso: string) => Date.parse(iso);
const window = "from=2025-04-17T06:00:00Z&to=2025-04-17T09:00:00Z";

describe("the provider's official word on the charts", () => {
  let api: TestApi;
  const get = (path: string) => fetch(`${api.url}${path}`);
  const text = async (path: string) => {
    const response = await get(path);
    expect(response.status, path).toBe(200);
    return response.text();
  };
  const incidentId = randomUUID();

  beforeAll(async () => {
    api = await startTestApi();
    const changes: NewOfficialChange[] = [
      // Over before the window: not shown.
      incident("gh0", "created", "2025-04-17T05:00:00Z", "Earlier trouble"),
      incident("gh0", "resolved", "2025-04-17T05:30:00Z"),
      // Git operations: an incident and its component, overlapping, inside the window.
      incident("gh1", "created", "2025-04-17T06:40:00Z", "Degraded Git operations", ["Git Operations"]),
      component("degraded_performance", "2025-04-17T06:45:00Z"),
      component("operational", "2025-04-17T07:15:00Z"),
      incident("gh1", "resolved", "2025-04-17T07:20:00Z", undefined, ["Git Operations"]),
      // Copilot: declared resolved after the window ended.
      incident("cp1", "created", "2025-04-17T08:30:00Z", "Copilot <slow> & failing", ["Copilot"]),
      incident("cp1", "resolved", "2025-04-17T09:40:00Z", undefined, ["Copilot"]),
    ];
    await recordOfficialReading(api.database.db, {
      key: PAGE,
      kind: "statuspage",
      validators: {},
      state: { page: "github" },
      changes,
      at: at("2025-04-17T09:45:00Z"),
    });
    await insertIncident(api.database.db, {
      id: incidentId,
      service: "github",
      region: GLOBAL_REGION,
      source: "all",
      status: "resolved",
      startedAt: new Date("2025-04-17T06:30:00Z"),
      detectedAt: new Date("2025-04-17T06:32:00Z"),
      resolvedAt: new Date("2025-04-17T07:10:00Z"),
      peakAt: new Date("2025-04-17T06:40:00Z"),
      peakCount: 300,
      peakExpected: 20,
      peakScore: 1,
      globalIncidentId: null,
    });
  });
  afterAll(() => api.close());

  it("gives the episodes that touch the range with the series, for the pages' charts", async () => {
    const series = await body(get(`/v1/services/github/series?${window}&step=15m`));
    expect(series.official).toEqual([
      {
        kind: "incident",
        source: PAGE,
        ref: "gh1",
        title: "Degraded Git operations",
        start: "2025-04-17T06:40:00.000Z",
        end: "2025-04-17T07:20:00.000Z",
      },
      {
        kind: "component",
        source: PAGE,
        ref: "git",
        title: "Git Operations",
        start: "2025-04-17T06:45:00.000Z",
        end: "2025-04-17T07:15:00.000Z",
      },
      {
        kind: "incident",
        source: PAGE,
        ref: "cp1",
        title: "Copilot <slow> & failing",
        start: "2025-04-17T08:30:00.000Z",
        // Read past the window's end: the all-clear came after it.
        end: "2025-04-17T09:40:00.000Z",
      },
    ]);
    // The provider speaks for the whole service: a regional series carries the same.
    const regional = await body(get(`/v1/services/github/series?${window}&step=15m&region=GB`));
    expect(regional.official).toEqual(series.official);
    // A service reading only some components of the page sees only what concerns them.
    const copilot = await body(get(`/v1/services/github-copilot/series?${window}&step=15m`));
    expect(copilot.official.map((episode: { ref: string }) => episode.ref)).toEqual(["cp1"]);
    // No source named in the catalog: null, not an empty list.
    const spotify = await body(get(`/v1/services/spotify/series?${window}&step=15m`));
    expect(spotify.official).toBeNull();
    // The CSV stays the counts alone.
    expect(await text(`/v1/services/github/series?${window}&format=csv`)).not.toContain("gh1");
  });

  it("hatches them above the embeddable chart, with a legend entry and a description", async () => {
    const svg = await text(`/v1/services/github/chart.svg?${window}`);
    assertWellFormedXml(svg);
    expect(svg.match(/class="chart-official"/g)).toHaveLength(2);
    expect(svg).toContain(
      "<title>Provider&apos;s official incident: 17 Apr 2025 06:40 – 17 Apr 2025 07:20 UTC: “Degraded Git operations”; “Git Operations”</title>",
    );
    expect(svg).toContain(
      "Provider&apos;s official incident: 17 Apr 2025 08:30 – 17 Apr 2025 09:40 UTC: “Copilot &lt;slow&gt; &amp; failing”</title>",
    );
    expect(svg).toContain(">Provider&apos;s official incident</text>");
    expect(svg).toContain(
      "Hatched along the top, the provider&apos;s official word: 2 incidents (17 Apr 2025 06:40 – 17 Apr 2025 07:20 UTC; 17 Apr 2025 08:30 – 17 Apr 2025 09:40 UTC).",
    );
    const copilot = await text(`/v1/services/github-copilot/chart.svg?${window}&theme=dark`);
    expect(copilot.match(/class="chart-official"/g)).toHaveLength(1);
  });

  it("draws no strip where the provider said nothing in the range, or Outcry reads no provider", async () => {
    const quiet = await text(
      "/v1/services/github/chart.svg?from=2025-04-16T06:00:00Z&to=2025-04-16T09:00:00Z",
    );
    const unread = await text(`/v1/services/spotify/chart.svg?${window}`);
    for (const svg of [quiet, unread]) {
      expect(svg).not.toContain("chart-official");
      expect(svg).not.toContain("official");
    }
  });

  it("keys the strip on the service page and leaves room for it on the incident page", async () => {
    const github = await text("/services/github");
    expect(github).toContain('<span id="chart-key-official" hidden><span class="key key-official"></span>');
    expect(github).toMatch(/<link rel="modulepreload" href="\/assets\/[0-9a-f]{12}\/official-band\.js">/);
    expect(await text("/services/spotify")).not.toContain("chart-key-official");
    const incident = await text(`/incidents/${incidentId}`);
    expect(incident).toContain('<span id="chart-official-note" hidden></span>');
    // The scripts that draw it are served with the page's other assets.
    const script = /href="(\/assets\/[0-9a-f]{12}\/official-band\.js)"/.exec(github)?.[1];
    expect(await text(script ?? "")).toContain("export function drawOfficialBand");
  });

  it("documents the series' official episodes in the OpenAPI document", async () => {
    const document = await body(get("/openapi.json"));
    const official = document.components.schemas.Series.properties.official;
    expect(official.description).toContain("null when the catalog names no official source");
    expect(JSON.stringify(official)).toContain("#/components/schemas/OfficialEpisode");
  });
});

function incident(
  id: string,
  step: "created" | "resolved",
  iso: string,
  title?: string,
  components?: string[],
): NewOfficialChange {
  return {
    naturalKey: `incident:${id}:${step}`,
    kind: step === "created" ? "incident-created" : "incident-resolved",
    at: at(iso),
    incidentId: id,
    status: step === "created" ? "investigating" : "resolved",
    title,
    components,
  };
}

function component(status: string, iso: string): NewOfficialChange {
  return {
    naturalKey: `component:git:${iso}`,
    kind: "component",
    at: at(iso),
    componentId: "git",
    componentName: "Git Operations",
    status,
  };
}
