import { createRequire } from "node:module";
import { applySignalBatch, GLOBAL_REGION, saveDetectorStates } from "@outcry/db";
import { SeriesDetector } from "@outcry/detection";
import { body } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";

describe("query routes", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  const get = (path: string) => fetch(`${api.url}${path}`);

  it("lists the catalog with each service's problem types, status and sparkline", async () => {
    const response = await get("/v1/services");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toMatch(/public, max-age=\d+/);
    const { services, sparklineFrom } = await body(response);
    expect(services.length).toBeGreaterThanOrEqual(100);
    const spotify = services.find((service: { slug: string }) => service.slug === "spotify");
    expect(spotify.problems).toEqual(expect.arrayContaining([{ id: "playback", label: expect.any(String) }]));
    expect(spotify.sparkline).toHaveLength(24);
    expect(Date.parse(sparklineFrom) % 3_600_000).toBe(0);
  });

  it("searches names and aliases without regard to case or accents, and filters by category", async () => {
    const search = await body(get("/v1/services?q=SPOTIF"));
    expect(search.services.map((service: { slug: string }) => service.slug)).toEqual(["spotify"]);
    const alias = await body(get("/v1/services?q=insta"));
    expect(alias.services.map((service: { slug: string }) => service.slug)).toContain("instagram");
    const banks = await body(get("/v1/services?category=bank"));
    expect(banks.services.length).toBeGreaterThan(0);
    expect(banks.services.every((service: { category: string }) => service.category === "bank")).toBe(true);
    const bad = await get("/v1/services?category=spaceships");
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.field).toBe("category");
  });

  it("puts services with problems first and draws their last 24 hours", async () => {
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    await applySignalBatch(api.database.db, {
      id: crypto.randomUUID(),
      signals: [0, 1, 2].map((index) => ({
        id: crypto.randomUUID(),
        service: "zoom",
        source: "report" as const,
        problem: "video",
        region: "GB",
        at: hour - 2 * 3_600_000 + index,
        reporter: `sparkline-${index}`,
      })),
    });
    const detector = new SeriesDetector({ bucketMs: 60_000 });
    await saveDetectorStates(api.database.db, [
      {
        service: "zoom",
        region: GLOBAL_REGION,
        source: "all",
        lastBucket: hour,
        state: detector.snapshot(),
        status: "problems",
        score: 0.99,
      },
    ]);
    const { services } = await body(get("/v1/services"));
    expect(services[0]).toMatchObject({ slug: "zoom", status: "problems", score: 0.99 });
    // Oldest first; the last slot is the hour filling now, so two hours back is the 22nd.
    expect(services[0].sparkline[21]).toBe(3);
    expect(services[0].sparkline.reduce((sum: number, count: number) => sum + count, 0)).toBe(3);
    const filtered = await body(get("/v1/services?status=problems"));
    expect(filtered.services.map((service: { slug: string }) => service.slug)).toEqual(["zoom"]);
  });

  it("serves a zero-filled series with the requested bounds", async () => {
    const response = await get(
      "/v1/services/spotify/series?from=2025-04-16T08:00:00Z&to=2025-04-16T09:00:00Z&step=15m",
    );
    expect(response.status).toBe(200);
    const series = await body(response);
    expect(series).toMatchObject({
      from: "2025-04-16T08:00:00.000Z",
      to: "2025-04-16T09:00:00.000Z",
      step: "15m",
      region: null,
    });
    expect(series.points).toHaveLength(4);
    // No detector state for this series yet: no band.
    expect(series.points[0]).toEqual({
      t: "2025-04-16T08:00:00.000Z",
      count: 0,
      expected: null,
      upper: null,
    });
  });

  it("puts the detector's expected count and band beside each point", async () => {
    const detector = new SeriesDetector({ bucketMs: 60_000 });
    const t0 = Date.parse("2025-04-14T00:00:00Z");
    for (let minute = 0; minute < 3 * 1440; minute++)
      detector.push({ t: t0 + minute * 60_000, count: 4 + (minute % 3) });
    await saveDetectorStates(api.database.db, [
      {
        service: "netflix",
        region: GLOBAL_REGION,
        source: "all",
        lastBucket: t0 + 3 * 1440 * 60_000,
        state: detector.snapshot(),
        status: "ok",
        score: 0,
      },
    ]);
    const query = "from=2025-04-17T08:00:00Z&to=2025-04-17T09:00:00Z";
    const series = await body(get(`/v1/services/netflix/series?${query}&step=15m`));
    expect(series.points).toHaveLength(4);
    for (const point of series.points) {
      // Five a minute on average: about 75 per quarter hour, the band's top above it.
      expect(point.expected).toBeGreaterThan(60);
      expect(point.expected).toBeLessThan(90);
      expect(point.upper).toBeGreaterThan(point.expected);
    }
    // The detector judges the service as a whole, or one region per source: other combinations,
    // and series not judged yet, have no band.
    const reports = await body(get(`/v1/services/netflix/series?${query}&source=report`));
    expect(reports.points[0].expected).toBeNull();
    const us = await body(get(`/v1/services/netflix/series?${query}&region=US`));
    expect(us.points[0].upper).toBeNull();
  });

  it("takes epoch seconds as well as ISO 8601", async () => {
    const from = Date.parse("2025-04-16T08:00:00Z") / 1000;
    const series = await body(get(`/v1/services/spotify/series?from=${from}&to=${from + 600}&step=5m`));
    expect(series.points.map((point: { t: string }) => point.t)).toEqual([
      "2025-04-16T08:00:00.000Z",
      "2025-04-16T08:05:00.000Z",
    ]);
  });

  it.each([
    ["/v1/services/nosuch/series", 404, "slug"],
    ["/v1/services/spotify/series?step=2m", 400, "step"],
    ["/v1/services/spotify/series?from=yesterday", 400, "from"],
    ["/v1/services/spotify/series?region=XX", 400, "region"],
    ["/v1/services/spotify/series?source=tv", 400, "source"],
    ["/v1/services/spotify/series?from=2025-04-16T09:00:00Z&to=2025-04-16T08:00:00Z", 400, "from"],
    ["/v1/services/spotify/series?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z&step=1m", 400, "step"],
  ])("%s answers %i naming %s", async (path, status, field) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expect((await body(response)).error.field).toBe(field);
  });

  it("ties an error to its log line: the caller's X-Request-Id, in the body and the header", async () => {
    const response = await fetch(`${api.url}/v1/nothing`, { headers: { "x-request-id": "trace-42" } });
    expect(response.headers.get("x-request-id")).toBe("trace-42");
    expect((await body(response)).error.requestId).toBe("trace-42");
    const generated = await fetch(`${api.url}/v1/nothing`, { headers: { "x-request-id": "bad id!" } });
    expect((await body(generated)).error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("lists a service's matching posts newest first, paged by `before`, linked to bsky.app", async () => {
    const at = Date.parse("2025-04-16T08:00:00Z");
    const signals = [0, 1, 2].map((n) => ({
      id: crypto.randomUUID(),
      service: "deezer",
      region: "FR",
      source: "bluesky" as const,
      at: at + n * 60_000,
      text: `deezer en panne ${n}`,
      post: { uri: `at://did:plc:fan/app.bsky.feed.post/p${n}`, lang: "fr", score: 0.97 },
    }));
    await applySignalBatch(api.database.db, { id: crypto.randomUUID(), signals });
    const first = await body(await get("/v1/services/deezer/posts?limit=2"));
    expect(first.posts.map((post: { text: string }) => post.text)).toEqual([
      "deezer en panne 2",
      "deezer en panne 1",
    ]);
    expect(first.posts[0]).toMatchObject({
      url: "https://bsky.app/profile/did:plc:fan/post/p2",
      region: "FR",
      lang: "fr",
      score: 0.97,
      postedAt: "2025-04-16T08:02:00.000Z",
    });
    const next = await body(await get(`/v1/services/deezer/posts?limit=2&before=${first.posts[1].postedAt}`));
    expect(next.posts.map((post: { text: string }) => post.text)).toEqual(["deezer en panne 0"]);
    const bad = await get("/v1/services/deezer/posts?limit=500");
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.field).toBe("limit");
    expect((await get("/v1/services/nope-nope/posts")).status).toBe(404);
  });

  it("shares out what people say is broken, every problem type listed, by region and source", async () => {
    const at = Date.parse("2025-04-16T10:00:00Z");
    const report = (problem: string, region: string) => ({
      id: crypto.randomUUID(),
      service: "spotify",
      region,
      source: "report" as const,
      at,
      problem,
      reporter: crypto.randomUUID(),
    });
    const post = {
      id: crypto.randomUUID(),
      service: "spotify",
      region: "GB",
      source: "bluesky" as const,
      at,
      problem: "login",
      text: "can't log in to spotify",
      post: { uri: "at://did:plc:fan/app.bsky.feed.post/login1", lang: "en", score: 0.9 },
    };
    const signals = [
      report("playback", "GB"),
      report("playback", "GB"),
      report("playback", "US"),
      report("login", "GB"),
      post,
    ];
    await applySignalBatch(api.database.db, { id: crypto.randomUUID(), signals });
    const window = "from=2025-04-16T09:30:00Z&to=2025-04-16T10:30:00Z";
    const all = await body(await get(`/v1/services/spotify/problems?${window}`));
    expect(all.total).toBe(5);
    expect(all.problems.slice(0, 2)).toEqual([
      { id: "playback", label: "Playback", count: 3, share: 0.6 },
      { id: "login", label: "Login", count: 2, share: 0.4 },
    ]);
    expect(all.problems.map((problem: { id: string }) => problem.id)).toEqual(
      expect.arrayContaining(["app", "downloads", "website"]),
    );
    const gbReports = await body(
      await get(`/v1/services/spotify/problems?${window}&region=GB&source=report`),
    );
    expect(gbReports.problems.slice(0, 2).map((problem: { count: number }) => problem.count)).toEqual([2, 1]);
    const backwards = await get(
      "/v1/services/spotify/problems?from=2025-04-16T10:30:00Z&to=2025-04-16T09:30:00Z",
    );
    expect(backwards.status).toBe(400);
    expect((await body(backwards)).error.field).toBe("from");
    const tooLong = await get(
      "/v1/services/spotify/problems?from=2025-01-01T00:00:00Z&to=2025-04-16T00:00:00Z",
    );
    expect(tooLong.status).toBe(400);
  });

  it("breaks a window down by region: count, the detector's expected count and its verdict", async () => {
    const t0 = Date.parse("2025-04-14T00:00:00Z");
    const detector = new SeriesDetector({ bucketMs: 60_000 });
    for (let minute = 0; minute < 3 * 1440; minute++) detector.push({ t: t0 + minute * 60_000, count: 2 });
    const state = (source: string, status: "ok" | "problems") => ({
      service: "hulu",
      region: "US",
      source,
      lastBucket: t0 + 3 * 1440 * 60_000,
      state: detector.snapshot(),
      status,
      score: status === "ok" ? 0.1 : 0.95,
    });
    await saveDetectorStates(api.database.db, [state("report", "problems"), state("bluesky", "ok")]);
    const at = Date.parse("2025-04-17T08:05:00Z");
    const report = (region: string) => ({
      id: crypto.randomUUID(),
      service: "hulu",
      region,
      source: "report" as const,
      at,
      problem: "playback",
      reporter: crypto.randomUUID(),
    });
    await applySignalBatch(api.database.db, {
      id: crypto.randomUUID(),
      signals: [report("US"), report("US"), report("US"), report("CA")],
    });
    const window = "from=2025-04-17T08:00:00Z&to=2025-04-17T08:15:00Z";
    const all = await body(await get(`/v1/services/hulu/regions?${window}`));
    expect(all.regions).toEqual([
      // Expected: two a minute per source, both sources, over 15 minutes.
      { region: "US", name: "United States", count: 3, expected: expect.closeTo(60, 0), status: "problems" },
      { region: "CA", name: "Canada", count: 1, expected: null, status: "unknown" },
    ]);
    const bluesky = await body(await get(`/v1/services/hulu/regions?${window}&source=bluesky`));
    expect(bluesky.regions).toEqual([
      { region: "US", name: "United States", count: 0, expected: expect.closeTo(30, 0), status: "ok" },
    ]);
    const tooWide = await get("/v1/services/hulu/regions?from=2025-04-10T00:00:00Z&to=2025-04-17T00:00:00Z");
    expect(tooWide.status).toBe(400);
    expect((await body(tooWide)).error.field).toBe("from");
  });

  it("answers unknown routes with the JSON error shape", async () => {
    const response = await get("/v1/nothing");
    expect(response.status).toBe(404);
    expect((await body(response)).error.code).toBe("not_found");
  });

  it("renders the API reference at /docs from assets it serves itself", async () => {
    const page = await get("/docs");
    expect(page.status).toBe(200);
    const html = await page.text();
    // Offline: no asset from another host.
    expect(html).not.toMatch(/(src|href)="https?:/);
    const assets = [...html.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map((match) => match[1]);
    expect(assets).toHaveLength(3);
    // Scripts from this origin's files only; no asset URL names the Swagger UI release.
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self';");
    const { version } = createRequire(import.meta.url)("swagger-ui-dist/package.json");
    for (const asset of assets) expect(asset).not.toContain(version);
    for (const asset of assets) {
      const response = await fetch(`${api.url}${asset}`, { headers: { "accept-encoding": "gzip" } });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toContain("immutable");
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    expect((await get("/docs/assets/0.0.0/swagger-ui-bundle.js")).status).toBe(404);
    expect((await get(`${assets[0]?.replace(/[^/]+$/, "")}package.json`)).status).toBe(404);
  });

  it("is live and ready when Postgres and Redis answer", async () => {
    expect((await get("/healthz")).status).toBe(200);
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
    expect(await body(ready)).toEqual({ status: "ready", checks: { postgres: "ok", redis: "ok" } });
  });

  it("exposes Prometheus metrics, without the Node.js version", async () => {
    const text = await (await get("/metrics")).text();
    expect(text).toContain("outcry_reports_total");
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).not.toContain("nodejs_version_info");
    expect(text).not.toContain(process.version);
  });
});
