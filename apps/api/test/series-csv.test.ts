import { randomUUID } from "node:crypto";
import { applySignalBatch } from "@outcry/db";
import { body } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";
import { saveLearntDetector } from "./learnt-detector.ts";

const report = (region: string, iso: string) => ({
  id: randomUUID(),
  service: "spotify",
  region,
  source: "report" as const,
  at: Date.parse(iso),
  problem: "playback",
  reporter: randomUUID(),
});

const post = (region: string, iso: string) => ({
  id: randomUUID(),
  service: "spotify",
  region,
  source: "bluesky" as const,
  at: Date.parse(iso),
  text: "is spotify down?",
  post: { uri: `at://did:plc:fan/app.bsky.feed.post/${randomUUID()}`, lang: "en", score: 0.9 },
});

/** The rows of a CSV body, header first, split on its CRLF line ends. */
function csvRows(text: string): string[][] {
  expect(text.endsWith("\r\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\r\n")
    .map((line) => line.split(","));
}

describe("series as CSV", () => {
  let api: TestApi;
  const get = (path: string) => fetch(`${api.url}${path}`);

  beforeAll(async () => {
    api = await startTestApi();
    await applySignalBatch(api.database.db, {
      id: randomUUID(),
      signals: [
        report("GB", "2025-04-16T08:01:00Z"),
        report("GB", "2025-04-16T08:02:30Z"),
        report("US", "2025-04-16T08:04:59Z"),
        post("GB", "2025-04-16T08:03:00Z"),
        report("GB", "2025-04-16T08:07:00Z"),
        report("GB", "2025-04-16T08:15:00Z"),
      ],
    });
  });
  afterAll(() => api.close());

  it("answers one row per bucket under a header, zeros included, as a named file", async () => {
    const response = await get(
      "/v1/services/spotify/series?from=2025-04-16T08:00:00Z&to=2025-04-16T08:15:00Z&step=5m&format=csv",
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      'inline; filename="spotify-series-20250416T0800Z-20250416T0815Z.csv"',
    );
    expect(response.headers.get("cache-control")).toBe("public, max-age=15");
    expect(csvRows(await response.text())).toEqual([
      ["t", "count", "expected", "upper"],
      // No detector state for spotify: empty cells where the JSON has null.
      ["2025-04-16T08:00:00.000Z", "4", "", ""],
      ["2025-04-16T08:05:00.000Z", "1", "", ""],
      ["2025-04-16T08:10:00.000Z", "0", "", ""],
    ]);
  });

  it("filters by region and source as the JSON does, and names the region in the file", async () => {
    const query = "from=2025-04-16T08:00:00Z&to=2025-04-16T08:10:00Z&step=5m&region=gb&source=report";
    const response = await get(`/v1/services/spotify/series?${query}&format=csv`);
    expect(response.headers.get("content-disposition")).toBe(
      'inline; filename="spotify-gb-series-20250416T0800Z-20250416T0810Z.csv"',
    );
    const rows = csvRows(await response.text());
    expect(rows.slice(1).map((row) => row[1])).toEqual(["2", "1"]);
    const json = await body(get(`/v1/services/spotify/series?${query}`));
    expect(json.points.map((point: { count: number }) => String(point.count))).toEqual(["2", "1"]);
  });

  it("carries the detector's expected count and band top, the same numbers as the JSON", async () => {
    await saveLearntDetector(api.database.db, "netflix");
    const query = "from=2025-04-17T08:00:00Z&to=2025-04-17T09:00:00Z&step=15m";
    const rows = csvRows(await (await get(`/v1/services/netflix/series?${query}&format=csv`)).text());
    const json = await body(get(`/v1/services/netflix/series?${query}&format=json`));
    expect(rows).toHaveLength(5);
    expect(rows.slice(1)).toEqual(
      json.points.map((point: { t: string; count: number; expected: number; upper: number }) => [
        point.t,
        String(point.count),
        String(point.expected),
        String(point.upper),
      ]),
    );
    expect(Number(rows[1]?.[2])).toBeGreaterThan(60);
  });

  it.each([
    ["/v1/services/spotify/series?format=xml", 400, "format"],
    ["/v1/services/spotify/series?format=csv&step=2m", 400, "step"],
    ["/v1/services/nosuch/series?format=csv", 404, "slug"],
  ])("%s answers %i in the JSON error shape, naming %s", async (path, status, field) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect((await body(response)).error.field).toBe(field);
  });

  it("documents both representations of the series in the OpenAPI document", async () => {
    const document = await body(get("/openapi.json"));
    const series = document.paths["/v1/services/{slug}/series"].get;
    expect(Object.keys(series.responses["200"].content)).toEqual(["application/json", "text/csv"]);
    expect(series.parameters.map((parameter: { name: string }) => parameter.name)).toContain("format");
  });
});
