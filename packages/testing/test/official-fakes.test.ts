import { parseStatusFeed, parseStatuspageIncidents, parseStatuspageSummary } from "@outcry/official";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeStatusFeeds, FakeStatuspage } from "../src/index.ts";

// The fakes must speak what the real servers speak: the parsers for the real shapes accept their
// documents, and the HTTP around them behaves as a CDN-fronted status page does.
describe("FakeStatuspage", () => {
  let fake: FakeStatuspage;
  beforeAll(async () => {
    fake = await FakeStatuspage.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  it("serves summary.json and incidents.json in the API v2 shapes, times in the page's zone", async () => {
    const page = fake.addPage("shapes", { components: ["Apps/Playback", "Website"], utcOffsetMinutes: 540 });
    const id = page.openIncident({
      name: "Playback",
      impact: "major",
      body: "Investigating.",
      components: ["Playback"],
    });
    page.setComponent("Playback", "major_outage");
    const summaryText = await (await fetch(`${page.url}/api/v2/summary.json`)).text();
    expect(summaryText).toMatch(/"updated_at":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+09:00"/);
    const summary = parseStatuspageSummary(summaryText);
    expect(summary.status.indicator).toBe("major");
    expect(summary.components.find((component) => component.name === "Apps")?.status).toBe("major_outage");
    page.resolveIncident(id);
    const incidents = parseStatuspageIncidents(
      await (await fetch(`${page.url}/api/v2/incidents.json`)).text(),
    );
    expect(incidents.incidents[0]).toMatchObject({ id, status: "resolved" });
    expect(incidents.incidents[0]?.incident_updates.map((update) => update.status)).toEqual([
      "resolved",
      "investigating",
    ]);
  });

  it("answers 304 to a request that still matches, and faults when told to", async () => {
    const page = fake.addPage("http");
    const url = `${page.url}/api/v2/summary.json`;
    const first = await fetch(url);
    await first.text();
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^W\/"/);
    expect((await fetch(url, { headers: { "if-none-match": etag } })).status).toBe(304);
    const lastModified = first.headers.get("last-modified") ?? "";
    expect((await fetch(url, { headers: { "if-modified-since": lastModified } })).status).toBe(304);
    page.setComponent("API", "degraded_performance", Date.now() + 2_000);
    expect((await fetch(url, { headers: { "if-none-match": etag } })).status).toBe(200);

    page.failNext(1, { kind: "status", status: 429, retryAfter: "30" });
    const limited = await fetch(url);
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "30"]);
    page.failNext(1, { kind: "redirect-loop" });
    const loop = await fetch(url, { redirect: "manual" });
    const back = await fetch(new URL(loop.headers.get("location") ?? "", url), { redirect: "manual" });
    expect(new URL(back.headers.get("location") ?? "", url).toString()).toBe(url);
    page.failNext(1, { kind: "html" });
    expect((await fetch(url)).headers.get("content-type")).toMatch(/^text\/html/);
  });
});

describe("FakeStatusFeeds", () => {
  it("serves RSS and Atom the feed parser reads, and broken XML when asked", async () => {
    const feeds = await FakeStatusFeeds.start();
    try {
      const published = Date.parse("2025-04-16T12:41:02Z");
      const rss = feeds.addFeed("rss", { format: "rss", rssZone: "PDT", rssZoneOffsetMinutes: -420 });
      const atom = feeds.addFeed("atom", { format: "atom", atomOffsetMinutes: 120 });
      for (const feed of [rss, atom]) {
        feed.addEntry({
          id: "e1",
          title: "Errors & timeouts",
          html: "<p>Investigating</p>",
          published,
          updated: published,
        });
      }
      const rssText = await (await fetch(rss.url)).text();
      expect(rssText).toContain("<pubDate>Wed, 16 Apr 2025 05:41:02 PDT</pubDate>");
      expect(parseStatusFeed(rssText).entries[0]).toMatchObject({
        id: "e1",
        title: "Errors & timeouts",
        publishedAt: published,
      });
      const atomText = await (await fetch(atom.url)).text();
      expect(atomText).toContain("<published>2025-04-16T14:41:02+02:00</published>");
      expect(parseStatusFeed(atomText).entries[0]).toMatchObject({ id: "e1", publishedAt: published });
      rss.serveBrokenXml();
      const broken = await (await fetch(rss.url)).text();
      expect(() => parseStatusFeed(broken)).toThrow(/broken XML/);
    } finally {
      await feeds.close();
    }
  });
});
