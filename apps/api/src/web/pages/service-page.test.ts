import type { Service } from "@outcry/core";
import type { IncidentRow, PostRow } from "@outcry/db";
import { describe, expect, it } from "vitest";
import { WebAssets } from "../web-assets.ts";
import { renderServicePage, type ServicePageData } from "./service-page.ts";

const HOSTILE = `<script>alert("name")</script>"'&`;
const NOW = Date.parse("2025-04-16T12:30:20Z");

const service: Service = {
  slug: "evil-corp",
  name: HOSTILE,
  category: "other",
  countries: [],
  aliases: ["evil"],
  keywords: [],
  problems: [
    { id: "login", label: `<img src=x onerror=alert("label")>` },
    { id: "app", label: "App" },
  ],
};

const incident: IncidentRow = {
  id: "0b9c7a52-4a56-4f0e-9a39-7c2b1c2f0d11",
  service: "evil-corp",
  region: "*",
  source: "all",
  status: "open",
  startedAt: new Date("2025-04-16T12:00:00Z"),
  detectedAt: new Date("2025-04-16T12:02:00Z"),
  resolvedAt: null,
  peakAt: new Date("2025-04-16T12:10:00Z"),
  peakCount: 152,
  peakExpected: 12.34,
  peakScore: 0.99,
  globalIncidentId: null,
  updatedAt: new Date("2025-04-16T12:10:10Z"),
};

const post = (text: string, uri: string): PostRow => ({
  uri,
  service: "evil-corp",
  region: "GB",
  problem: "login",
  postedAt: new Date("2025-04-16T12:25:00Z"),
  text,
  lang: 'en"><script>',
  score: 0.9,
});

function data(overrides: Partial<ServicePageData> = {}): ServicePageData {
  return {
    service,
    status: "problems",
    openIncident: incident,
    recent: { count: 42, expected: 3.26 },
    regions: [
      { region: "GB", count: 30 },
      { region: "ZZ", count: 12 },
    ],
    problems: {
      total: 10,
      entries: [{ id: "login", label: service.problems[0]?.label ?? "", count: 10, share: 1 }],
    },
    day: { total: 400, busiest: { t: Date.parse("2025-04-16T12:00:00Z"), count: 300 } },
    incidents: [incident],
    posts: [
      post(
        `is it down?? <img src=x onerror=alert("post")> & "quotes"`,
        "at://did:plc:abc123/app.bsky.feed.post/3kxyz",
      ),
      post("javascript link", "javascript:alert(1)"),
    ],
    official: undefined,
    origin: "https://outcry.example",
    now: NOW,
    ...overrides,
  };
}

describe("the service page", () => {
  const assets = WebAssets.load();

  it("shows a hostile service name, problem label and post as text, never as markup", () => {
    const page = renderServicePage(data(), assets);
    expect(page).not.toMatch(/<script>alert|<img src=x/);
    expect(page).toContain("Is &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;&quot;&#39;&amp; down?");
    expect(page).toContain("&lt;img src=x onerror=alert(&quot;label&quot;)&gt;");
    expect(page).toContain(
      "is it down?? &lt;img src=x onerror=alert(&quot;post&quot;)&gt; &amp; &quot;quotes&quot;",
    );
    expect(page).toContain('lang="en&quot;&gt;&lt;script&gt;"');
    // The only scripts are the page's own, from its assets.
    expect([...page.matchAll(/<script\b[^>]*>/g)].every((tag) => /src="\/assets\//.test(tag[0]))).toBe(true);
  });

  it("links posts to bsky.app, and does not link a URI that is not a post's", () => {
    const page = renderServicePage(data(), assets);
    expect(page).toContain('href="https://bsky.app/profile/did:plc:abc123/post/3kxyz"');
    expect(page).not.toContain("javascript:alert");
  });

  it("says the status in words, with the open incident and the last 15 minutes against normal", () => {
    const page = renderServicePage(data(), assets);
    expect(page).toContain('<h2 class="status-headline" id="status-headline">Problems detected</h2>');
    expect(page).toContain("42 signals in the last 15 minutes; usually about 3.3.");
    expect(page).toContain(`<a href="/incidents/${incident.id}">Incident since 16 April 2025, 12:00 UTC</a>`);
    const calm = renderServicePage(data({ status: "ok", openIncident: undefined }), assets);
    expect(calm).toContain("No current problems");
    expect(calm).toContain('id="status-incident" hidden');
  });

  it("offers the service's problem types and every country for a report", () => {
    const page = renderServicePage(data(), assets);
    expect(page).toContain('data-problem="app">App</button>');
    expect(page).toContain('<option value="GB">United Kingdom</option>');
    expect(page).toContain('<option value="ZZ">Rather not say</option>');
    expect(page.match(/<option value="[A-Z]{2}">/g)?.length).toBeGreaterThan(240);
  });

  it("gives an embed snippet that is safe on someone else's page too", () => {
    const page = renderServicePage(data(), assets);
    const snippet = /<textarea id="embed-code"[^>]*>([^<]*)<\/textarea>/.exec(page)?.[1] ?? "";
    // Once unescaped by the browser, the snippet is HTML whose alt text is itself escaped.
    const entities: Record<string, string> = { lt: "<", gt: ">", quot: '"', amp: "&", "#39": "'" };
    const unescaped = snippet.replace(/&(lt|gt|quot|amp|#39);/g, (_, name: string) => entities[name] ?? "");
    expect(unescaped).toBe(
      '<img src="https://outcry.example/v1/services/evil-corp/chart.svg?range=24h" alt="&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;&quot;&#39;&amp;: outage reports over the last 24 hours (Outcry)" width="800" height="400">',
    );
  });

  it("shades its own open incident on the chart and lists regions by name", () => {
    const page = renderServicePage(data(), assets);
    expect(page).toContain(
      `data-incidents="[{&quot;id&quot;:&quot;${incident.id}&quot;,&quot;start&quot;:${incident.startedAt.getTime()},&quot;end&quot;:null}]"`,
    );
    expect(page).toContain('<li><span>United Kingdom</span> <span class="count">30</span></li>');
    expect(page).toContain('class="shade-5"><title>United Kingdom: 30 signals</title>');
    expect(page).toContain("<li><span>Unknown</span>");
  });

  it("keys the official strip on the chart only for a service whose provider Outcry reads", () => {
    const official = { sources: [], open: [], heard: true, unacknowledged: undefined };
    const page = renderServicePage(data({ official }), assets);
    // Hidden until the page script has episodes to draw; the name is escaped like everywhere else.
    expect(page).toContain(
      `<span id="chart-key-official" hidden><span class="key key-official"></span> &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;&quot;&#39;&amp;'s official word (top strip)</span></p>`,
    );
    expect(page).toMatch(/<link rel="modulepreload" href="\/assets\/[0-9a-f]{12}\/official-band\.js">/);
    expect(renderServicePage(data(), assets)).not.toContain("chart-key-official");
  });

  it("puts the provider's own word beside the crowd's: its silence, or what it announced", () => {
    const source = {
      key: "https://status.example.com",
      kind: "statuspage" as const,
      validators: {},
      state: undefined,
      checkedAt: NOW,
      succeededAt: NOW,
      lastError: undefined,
      lastErrorAt: undefined,
      failures: 0,
      stale: false,
    };
    const silent = renderServicePage(
      data({
        official: {
          sources: [source],
          open: [],
          heard: true,
          unacknowledged: { since: NOW - 23 * 60_000, minutes: 23 },
        },
      }),
      assets,
    );
    expect(silent).toContain("the public has reported problems for 23 minutes");
    expect(silent).toContain("No problem announced officially.");
    expect(silent).toContain(
      '<a href="https://status.example.com" rel="nofollow noopener noreferrer">status.example.com</a>',
    );
    const spoken = renderServicePage(
      data({
        official: {
          sources: [{ ...source, key: "at://status.example.com", kind: "bluesky", stale: true }],
          open: [
            {
              source: "https://status.example.com",
              kind: "incident",
              ref: "x",
              title: "<b>Logins failing</b>",
              start: NOW - 600_000,
            },
          ],
          unacknowledged: undefined,
          heard: true,
        },
      }),
      assets,
    );
    expect(spoken).not.toContain("Not acknowledged");
    expect(spoken).toContain("&lt;b&gt;Logins failing&lt;/b&gt;");
    expect(spoken).toContain('href="https://bsky.app/profile/status.example.com"');
    expect(spoken).toContain("(not reachable lately)");
    expect(renderServicePage(data(), assets)).not.toContain('id="official-title"');
    // Never read (no network, a page that moved): no claim about the provider either way.
    const unread = renderServicePage(
      data({
        official: {
          sources: [{ ...source, succeededAt: undefined }],
          open: [],
          heard: false,
          unacknowledged: undefined,
        },
      }),
      assets,
    );
    expect(unread).toContain("has not been able to read");
    expect(unread).not.toContain("No problem announced officially.");
  });
});
