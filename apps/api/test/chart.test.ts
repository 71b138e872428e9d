import { randomUUID } from "node:crypto";
import { applySignalBatch, GLOBAL_REGION, insertIncident } from "@outcry/db";
import { body } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHART_PALETTES } from "../src/chart/chart-palette.ts";
import { startTestApi, type TestApi } from "./api-harness.ts";
import { saveLearntDetector } from "./learnt-detector.ts";
import { assertWellFormedXml } from "./well-formed-xml.ts";

const at = (iso: string) => new Date(iso);
const report = (iso: string) => ({
  id: randomUUID(),
  service: "spotify",
  region: "GB",
  source: "report" as const,
  at: Date.parse(iso),
  problem: "playback",
  reporter: randomUUID(),
});

describe("GET /v1/services/{slug}/chart.svg", () => {
  let api: TestApi;
  const get = (path: string) => fetch(`${api.url}${path}`);
  const svgOf = async (path: string) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    const svg = await response.text();
    assertWellFormedXml(svg);
    return svg;
  };
  const window = "from=2025-04-17T06:00:00Z&to=2025-04-17T09:00:00Z";

  beforeAll(async () => {
    api = await startTestApi();
    await applySignalBatch(api.database.db, {
      id: randomUUID(),
      signals: [
        ...Array.from({ length: 7 }, () => report("2025-04-17T08:06:10Z")),
        report("2025-04-17T08:20:00Z"),
      ],
    });
    // About five expected a minute for Spotify as a whole on 17 April: the band.
    await saveLearntDetector(api.database.db, "spotify");
    await insertIncident(api.database.db, {
      id: randomUUID(),
      service: "spotify",
      region: GLOBAL_REGION,
      source: "all",
      status: "resolved",
      startedAt: at("2025-04-17T08:05:00Z"),
      detectedAt: at("2025-04-17T08:06:00Z"),
      resolvedAt: at("2025-04-17T08:35:00Z"),
      peakAt: at("2025-04-17T08:06:00Z"),
      peakCount: 7,
      peakExpected: 5,
      peakScore: 0.99,
      globalIncidentId: null,
      updatedAt: new Date(),
    });
  });
  afterAll(() => api.close());

  it("draws the counts against the band, the incident shaded, as a cacheable image anyone may embed", async () => {
    const response = await get(`/v1/services/spotify/chart.svg?${window}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const svg = await response.text();
    assertWellFormedXml(svg);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="outcry-chart-title">Spotify problem reports</title>');
    expect(svg).toMatch(/class="chart-title"[^>]*>Spotify problem reports</);
    // The counts in Postgres reach the picture: the peak minute is named for screen readers.
    expect(svg).toContain(
      "Count of reports and Bluesky posts per minute, from 17 Apr 2025 06:00 to 17 Apr 2025 09:00 UTC.",
    );
    expect(svg).toContain("Highest: 7 at 17 Apr 2025 08:06 UTC.");
    expect(svg).toMatch(/class="chart-count" d="M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){179}"/);
    expect(svg).toMatch(/<path class="chart-band" d="M[^"]+Z"/);
    expect(svg.match(/class="chart-incident"/g)).toHaveLength(1);
    expect(svg).toContain("Incident: 17 Apr 2025 08:05 – 17 Apr 2025 08:35 UTC");
    expect(svg).toMatch(
      /Source: Outcry · reports and Bluesky posts · \d+ \w+ \d{4} \d\d:\d\d UTC · \/services\/spotify/,
    );
  });

  it("picks a coarser step for longer ranges, and drops the band beyond eight days", async () => {
    const week = await svgOf("/v1/services/spotify/chart.svg?range=7d&to=2025-04-17T09:00:00Z");
    expect(week).toContain("per 15 minutes, from 10 Apr 2025 09:00 to 17 Apr 2025 09:00 UTC");
    expect(week).toContain("chart-band");
    expect(week).toMatch(/class="chart-count" d="M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){671}"/);
    const month = await svgOf("/v1/services/spotify/chart.svg?range=30d&to=2025-04-17T09:00:00Z");
    expect(month).toContain("per hour, from 18 Mar 2025 09:00 to 17 Apr 2025 09:00 UTC");
    expect(month).not.toContain("chart-band");
    expect(month.match(/class="chart-incident"/g)).toHaveLength(1);
  });

  it("charts the last 24 hours up to the last whole minute by default", async () => {
    const svg = await svgOf("/v1/services/spotify/chart.svg");
    expect(svg).toMatch(/class="chart-count" d="M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){1439}"/);
    expect(svg).toContain("No incident in this period.");
  });

  it("titles a regional chart with the country, without the global incident", async () => {
    const svg = await svgOf(`/v1/services/spotify/chart.svg?${window}&region=GB&source=report`);
    expect(svg).toContain('<title id="outcry-chart-title">Spotify problem reports – United Kingdom</title>');
    expect(svg).toContain("Highest: 7 at");
    expect(svg).toContain("Source: Outcry · reports ·");
    expect(svg).not.toContain("chart-incident");
  });

  it("escapes names from the catalog", async () => {
    const svg = await svgOf(`/v1/services/att/chart.svg?${window}`);
    expect(svg).toContain('<title id="outcry-chart-title">AT&amp;T problem reports</title>');
  });

  it("follows the theme and the size asked for", async () => {
    const svg = await svgOf(`/v1/services/spotify/chart.svg?${window}&theme=dark&width=600&height=300`);
    expect(svg).toMatch(/^<svg [^>]*width="600" height="300" viewBox="0 0 600 300"/);
    expect(svg).toContain(`fill="${CHART_PALETTES.dark.background}"`);
    expect(svg).not.toContain(`fill="${CHART_PALETTES.light.background}"`);
  });

  it.each([
    ["/v1/services/nosuch/chart.svg", 404, "slug"],
    ["/v1/services/spotify/chart.svg?range=1y", 400, "range"],
    ["/v1/services/spotify/chart.svg?range=7d&from=2025-04-10T00:00:00Z", 400, "range"],
    ["/v1/services/spotify/chart.svg?theme=sepia", 400, "theme"],
    ["/v1/services/spotify/chart.svg?width=5000", 400, "width"],
    ["/v1/services/spotify/chart.svg?region=XX", 400, "region"],
    ["/v1/services/spotify/chart.svg?from=2025-04-17T09:00:00Z&to=2025-04-17T08:00:00Z", 400, "from"],
    ["/v1/services/spotify/chart.svg?from=1990-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", 400, "step"],
  ])("%s answers %i in the JSON error shape, naming %s", async (path, status, field) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect((await body(response)).error.field).toBe(field);
  });

  it("is in the OpenAPI document as an SVG image", async () => {
    const document = await body(get("/openapi.json"));
    const chart = document.paths["/v1/services/{slug}/chart.svg"].get;
    expect(Object.keys(chart.responses["200"].content)).toEqual(["image/svg+xml"]);
    expect(chart.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(["slug", "range", "from", "to", "region", "source", "theme", "width", "height"]),
    );
  });
});
