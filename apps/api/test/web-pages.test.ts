import { randomUUID } from "node:crypto";
import { applySignalBatch, insertIncident } from "@outcry/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";

/** A page or asset as a browser asks for it, with its body decoded. */
async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers, redirect: "manual" });
  return { response, text: await response.text() };
}

describe("the web pages", () => {
  let api: TestApi;
  const incidentId = randomUUID();
  const startedAt = new Date(Date.now() - 40 * 60_000);

  beforeAll(async () => {
    api = await startTestApi();
    const db = api.database.db;
    await insertIncident(db, {
      id: incidentId,
      service: "spotify",
      region: "*",
      source: "all",
      status: "resolved",
      startedAt,
      detectedAt: new Date(startedAt.getTime() + 60_000),
      resolvedAt: new Date(startedAt.getTime() + 20 * 60_000),
      peakAt: new Date(startedAt.getTime() + 5 * 60_000),
      peakCount: 90,
      peakExpected: 4,
      peakScore: 0.98,
      globalIncidentId: null,
      updatedAt: new Date(),
    });
    const at = Date.now() - 2 * 60_000;
    await applySignalBatch(db, {
      id: randomUUID(),
      signals: [
        ...["GB", "GB", "US"].map((region, n) => ({
          id: randomUUID(),
          service: "spotify",
          region,
          source: "report" as const,
          at,
          problem: "login",
          reporter: `web-${n}`,
        })),
        {
          id: randomUUID(),
          service: "spotify",
          region: "GB",
          source: "bluesky" as const,
          at,
          problem: "playback",
          text: `spotify down again </blockquote><script>alert("post")</script>`,
          post: { uri: "at://did:plc:webtest/app.bsky.feed.post/3kweb", lang: "en", score: 0.93 },
        },
      ],
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  it("lists every service on / with its status, and searches with ?q= without JavaScript", async () => {
    const { response, text } = await get(`${api.url}/?q=spot`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=15");
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(text).toMatch(/<li data-slug="spotify" data-search="[^"]*">/);
    expect(text).toMatch(/<li data-slug="netflix" data-search="[^"]*" hidden>/);
    expect(text).toContain('value="spot"');
    expect(text).toMatch(/\d+ of 2\d\d services match “spot”/);
  });

  it("shows a service's status, report buttons, problems, map, posts and embed snippet", async () => {
    const { response, text } = await get(`${api.url}/services/spotify`);
    expect(response.status).toBe(200);
    expect(text).toContain("<h1>Is Spotify down?</h1>");
    expect(text).toContain("No current problems");
    expect(text).toContain('data-problem="login">Login</button>');
    expect(text).toContain("4 signals in the last 15 minutes.");
    expect(text).toContain('<span class="bar-label">Login</span> <span class="bar-value">75%</span>');
    expect(text).toMatch(/<use href="\/assets\/[0-9a-f]{12}\/world\.svg#GB" class="shade-5">/);
    expect(text).toContain("spotify down again &lt;/blockquote&gt;&lt;script&gt;alert(&quot;post&quot;)");
    expect(text).toContain('href="https://bsky.app/profile/did:plc:webtest/post/3kweb"');
    expect(text).toContain(`&lt;img src=&quot;${api.url}/v1/services/spotify/chart.svg?range=24h&quot;`);
    expect(text).toContain(`<a href="/incidents/${incidentId}">`);
  });

  it("tells an incident's story on a permalink fit for citing", async () => {
    const { response, text } = await get(`${api.url}/incidents/${incidentId}`);
    expect(response.status).toBe(200);
    expect(text).toContain(`<link rel="canonical" href="${api.url}/incidents/${incidentId}">`);
    expect(text).toContain("Spotify: problems detected,");
    expect(text).toContain("Peak: 90 in one minute, against about 4 expected.");
    expect(text).toContain(`incident ${incidentId}. ${api.url}/incidents/${incidentId} (retrieved`);
  });

  it("answers an unknown service or incident with a page that says so", async () => {
    for (const path of ["/services/no-such-service", `/incidents/${randomUUID()}`, "/incidents/not-an-id"]) {
      const { response, text } = await get(`${api.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(text).toContain("<h1>No such");
    }
  });

  it("compresses pages for clients that take gzip", async () => {
    const response = await fetch(`${api.url}/services/spotify`, { headers: { "accept-encoding": "gzip" } });
    expect(response.headers.get("content-encoding")).toBe("gzip");
    expect(response.headers.get("vary")).toBe("Accept-Encoding");
    // fetch decodes it; the raw size is what a phone downloads.
    expect(await response.text()).toContain("<h1>Is Spotify down?</h1>");
  });

  it("serves its assets under a versioned URL, cached for a year, and moves other versions to it", async () => {
    const { text } = await get(`${api.url}/services/spotify`);
    const scripts = [...text.matchAll(/(?:src|href)="(\/assets\/([0-9a-f]{12})\/[^"#]+)(?:#[^"]*)?"/g)];
    const urls = [...new Set(scripts.map((match) => match[1] as string))];
    expect(urls.map((url) => url.split("/").pop()).sort()).toEqual([
      "official-band.js",
      "service-page.js",
      "signal-chart.js",
      "site.css",
      "uPlot.iife.min.js",
      "uPlot.min.css",
      "utc-time.js",
      "world.svg",
    ]);
    for (const url of urls) {
      const { response } = await get(`${api.url}${url}`);
      expect(response.status, url).toBe(200);
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
    const map = await fetch(`${api.url}${urls.find((url) => url.endsWith("world.svg"))}`, {
      headers: { "accept-encoding": "gzip" },
    });
    expect(map.headers.get("content-type")).toBe("image/svg+xml");
    expect(map.headers.get("content-encoding")).toBe("gzip");
    const version = scripts[0]?.[2];
    const stale = await get(`${api.url}/assets/000000000000/site.css`);
    expect(stale.response.status).toBe(302);
    expect(stale.response.headers.get("location")).toBe(`/assets/${version}/site.css`);
    expect((await get(`${api.url}/assets/${version}/nothing.js`)).response.status).toBe(404);
  });

  it("keeps the pages out of the OpenAPI document", async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    const paths = Object.keys(document.paths);
    expect(
      paths.some((path) => path === "/" || path.startsWith("/services/") || path.startsWith("/assets/")),
    ).toBe(false);
  });
});
