import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { MINUTE_MS } from "@outcry/core";
import { applySignalBatch, recordOfficialReading, upsertServices } from "@outcry/db";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SCREENSHOTS_DIR } from "./chromium.ts";
import { type OutcrySystem, seedQuietHistory, startOutcrySystem } from "./outcry-system.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
// Every WCAG 2.0 and 2.1 rule at levels A and AA; each violation as "impact rule: where".
const AXE_RUN = `axe
  .run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
  .then((result) => result.violations.map((violation) =>
    violation.impact + " " + violation.id + ": " +
    violation.nodes.slice(0, 3).map((node) => node.target.join(" ")).join(", ")))`;
// Reports one address may send a minute: low, so the browser meets the limit in a few reports.
const RATE_LIMIT = 4;
const HOSTILE_NAME = `<img src=x onerror=alert("name")>Evil "Corp"`;
const HOSTILE_POST = `discord down?? <script>alert("post")</script><img src=x onerror=alert("post")>`;
// Ordinary traffic before the test: 0 to 2 reports a minute, about one on average.
const quiet = (minute: number) => (minute * 7) % 3;
// Discord's status page (its seed entry), as the official poller would have recorded it: an
// incident the provider opened and resolved within the last hour, inside both pages' charts.
const DISCORD_STATUS = "https://discordstatus.com";
const OFFICIAL_TITLE = "Elevated API errors";

// The whole system in one `outcry` process (api, aggregator and its detector tick, ingest) and a
// real Chromium: a report pressed on the page is counted by the aggregator and shows on the chart;
// a burst of reports becomes an incident the detector opens, which the open page shows live.
describe("the public pages in a browser", () => {
  let system: OutcrySystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Alerts (a hostile string that ran) and uncaught errors, from every page of the context. */
  const alerts: string[] = [];
  const errors: string[] = [];
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    // Chromium first: without it the test fails at once, saying how to get it.
    browser = await launchChromium();
    system = await startOutcrySystem({
      // The official poller off: the status page seeded below stays as it is, network or not.
      env: {
        TRUST_PROXY: "1",
        RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
        OFFICIAL_POLL_INTERVAL_SECONDS: "0",
      },
      seed: async (db) => {
        await upsertServices(db, [
          {
            slug: "evil-corp",
            name: HOSTILE_NAME,
            category: "other",
            countries: [],
            aliases: ["evil corp test"],
            keywords: [],
            problems: [{ id: "login", label: `<b onmouseover=alert("label")>Login</b>` }],
          },
        ]);
        await seedQuietHistory(db, {
          service: "spotify",
          region: "GB",
          problem: "playback",
          minutes: 180,
          perMinute: quiet,
        });
        await seedQuietHistory(db, {
          service: "discord",
          region: "GB",
          problem: "app",
          minutes: 90,
          perMinute: quiet,
        });
        await applySignalBatch(db, {
          id: randomUUID(),
          signals: [
            {
              id: randomUUID(),
              service: "discord",
              region: "US",
              source: "bluesky",
              at: Date.now() - 5 * MINUTE_MS,
              problem: "app",
              text: HOSTILE_POST,
              post: { uri: "at://did:plc:browsertest/app.bsky.feed.post/3kbrowser", lang: "en", score: 0.97 },
            },
          ],
        });
        const now = Date.now();
        await recordOfficialReading(db, {
          key: DISCORD_STATUS,
          kind: "statuspage",
          validators: {},
          state: undefined,
          changes: [
            {
              naturalKey: "incident:browser1:created",
              kind: "incident-created",
              at: now - 50 * MINUTE_MS,
              incidentId: "browser1",
              status: "investigating",
              title: OFFICIAL_TITLE,
            },
            {
              naturalKey: "incident:browser1:resolved",
              kind: "incident-resolved",
              at: now - 20 * MINUTE_MS,
              incidentId: "browser1",
              status: "resolved",
            },
          ],
          at: now,
        });
      },
    });
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en-GB" });
    context.on("page", (opened) => watch(opened));
    page = await context.newPage();
  }, 120_000);

  function watch(watched: Page) {
    watched.on("dialog", (dialog) => {
      alerts.push(dialog.message());
      void dialog.dismiss();
    });
    watched.on("pageerror", (error) => errors.push(error.message));
  }

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  /** Reports from the test, as many different people (distinct addresses behind the proxy). */
  async function crowd(service: string, problem: string, regions: string[]) {
    const statuses = await Promise.all(
      regions.map((region, n) =>
        fetch(`${system.url}/v1/reports`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": `198.51.100.${n + 1}` },
          body: JSON.stringify({ service, problem, region }),
        }).then((response) => response.status),
      ),
    );
    expect(statuses.every((status) => status === 202)).toBe(true);
  }

  it("lists the services, problems first, and searches with and without JavaScript", async () => {
    await page.goto(`${system.url}/?q=disc`);
    await expect.poll(() => page.locator('li[data-slug="discord"]').isVisible()).toBe(true);
    expect(await page.locator('li[data-slug="spotify"]').isVisible()).toBe(false);
    await page.locator("#q").fill("spot");
    await expect.poll(() => page.locator('li[data-slug="spotify"]').isVisible()).toBe(true);
    expect(await page.locator('li[data-slug="discord"]').isVisible()).toBe(false);
    expect(await page.locator("#search-summary").textContent()).toMatch(/^\d+ of \d+ services match “spot”$/);
    expect(new URL(page.url()).searchParams.get("q")).toBe("spot");
    await page.locator("#q").fill("evil corp");
    await expect
      .poll(() => page.locator('li[data-slug="evil-corp"] .service-name').textContent())
      .toBe(HOSTILE_NAME);
    await page.locator("#q").fill("");
    await shot(page, "home-phone");

    const noScript = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    const plain = await noScript.newPage();
    await plain.goto(`${system.url}/?q=spot`);
    expect(await plain.locator('li[data-slug="spotify"]').isVisible()).toBe(true);
    expect(await plain.locator('li[data-slug="netflix"]').isVisible()).toBe(false);
    await noScript.close();
  });

  it("counts a report made with two clicks, and the chart shows it", async () => {
    await page.goto(`${system.url}/services/spotify`);
    const chart = page.locator("#chart");
    await expect.poll(() => chart.getAttribute("data-ready")).toBe("true");
    const before = Number(await chart.getAttribute("data-total"));
    expect(before).toBeGreaterThan(100); // the three hours of history
    // Outcry reads no official source for Spotify: no strip, no key for one.
    expect(await chart.getAttribute("data-official")).toBe("0");
    expect(await page.locator("#chart-key-official").count()).toBe(0);
    expect(await page.locator("#status-headline").textContent()).toBe("No current problems");
    await shot(page, "service-before-report-phone");

    await page.getByRole("button", { name: "I have a problem with Spotify" }).click();
    // The browser's language names the country.
    expect(await page.locator("#report-region").inputValue()).toBe("GB");
    await page.getByRole("button", { name: "Login", exact: true }).click();
    await expect
      .poll(() => page.locator("#report-result").textContent(), { timeout: 20_000 })
      .toMatch(
        /^Thanks, your report is counted\. \d+ other (person|people) reported problems with Spotify in the last 15 minutes\.$/,
      );
    await expect.poll(() => chart.getAttribute("data-total"), { timeout: 20_000 }).toBe(String(before + 1));
    await shot(page, "service-after-report-phone");
  });

  it("shows the API's refusal when this address is over the rate limit", async () => {
    // The browser and this test share 127.0.0.1: use up the rest of its minute from here.
    for (let sent = 0; sent < RATE_LIMIT + 1; sent++) {
      const response = await fetch(`${system.url}/v1/reports`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ service: "netflix", problem: "app", region: "GB" }),
      });
      if (response.status === 429) break;
    }
    await page.getByRole("button", { name: "I have a problem with Spotify" }).click();
    await page.getByRole("button", { name: "Playback", exact: true }).click();
    await expect
      .poll(() => page.locator("#report-error").textContent())
      .toMatch(/^Too many reports from this address; slow down\. Try again in \d+ seconds?\.$/);
    await shot(page, "service-rate-limited-phone");
  });

  it("follows the live stream through an incident the detector opens, without a reload", async () => {
    await page.goto(`${system.url}/services/discord`);
    await expect.poll(() => page.locator(".service-page").getAttribute("data-live")).toBe("open");
    expect(await page.locator("#status-headline").textContent()).toBe("No current problems");
    // The provider's word, from the series, hatched along the top of the chart and in its key.
    await expect.poll(() => page.locator("#chart").getAttribute("data-official")).toBe("1");
    expect(await page.locator("#chart-key-official").isVisible()).toBe(true);
    expect(await page.locator("#chart-summary").textContent()).toMatch(
      new RegExp(
        `Hatched along the top, what Discord said officially: \\d\\d:\\d\\d–\\d\\d:\\d\\d UTC \\(“${OFFICIAL_TITLE}”\\)\\.$`,
      ),
    );
    // A hostile post is shown as its text, linked to bsky.app.
    expect(await page.locator(".post-list blockquote").first().textContent()).toBe(HOSTILE_POST);
    expect(await page.getByRole("link", { name: "View on Bluesky" }).getAttribute("href")).toBe(
      "https://bsky.app/profile/did:plc:browsertest/post/3kbrowser",
    );
    await page.evaluate("window.sameDocument = true");

    // Twenty-four people report within seconds: the next tick (ten seconds into the coming
    // minute) judges their minute against about one report a minute and opens an incident.
    await crowd("discord", "login", [...Array(20).fill("GB"), "US", "US", "DE", "FR"]);
    const headline = page.locator("#status-headline");
    await expect
      .poll(() => headline.textContent(), { timeout: 150_000, interval: 500 })
      .toBe("Problems detected");
    expect(await page.evaluate("window.sameDocument")).toBe(true);
    const incidentLink = page.locator("#status-incident a");
    expect(await incidentLink.textContent()).toMatch(/^Incident since \d+ \w+ \d{4}, \d\d:\d\d UTC$/);
    // The regional incident (United Kingdom) opened in the same tick may be listed first.
    const item = page.locator("#incident-list li", { hasText: "All regions" });
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.locator(".status-label").textContent()).toBe("Problems");
    // The minute's counts came over the stream too, and the map and problems followed.
    await expect.poll(() => page.locator(".service-page").getAttribute("data-last-minute")).toMatch(/^\d+$/);
    await expect
      .poll(() => page.locator("#region-list li").first().textContent())
      .toMatch(/^United Kingdom \d+$/);
    // Before, the last hour held only the history's "App"; the crowd named "Login".
    await expect.poll(() => page.locator("#problem-list .bar-label").allTextContents()).toContain("Login");
    expect(await page.locator('.world-map use[class^="shade-"]').count()).toBeGreaterThanOrEqual(3);
    await shot(page, "service-incident-live-phone");

    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, "service-incident-live-desktop");
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "service-incident-live-desktop-dark");
    await page.emulateMedia({ colorScheme: "light" });
  }, 200_000);

  it("tells the incident's story on its permalink, with a citation", async () => {
    await page.locator("#status-incident a").click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    expect(await page.locator("h1").textContent()).toMatch(
      /^Discord: problems detected, since \d+ \w+ \d{4}, \d\d:\d\d UTC$/,
    );
    expect(await page.locator(".timeline li").count()).toBe(4);
    expect(await page.locator(".timeline").textContent()).toContain("Not resolved yet.");
    const citation = await page.locator("#citation").inputValue();
    expect(citation).toContain(
      `(ongoing when retrieved), incident ${page.url().split("/").pop()}. ${page.url()}`,
    );
    await expect.poll(() => page.locator("#chart").getAttribute("data-ready")).toBe("true");
    expect(Number(await page.locator("#chart").getAttribute("data-total"))).toBeGreaterThanOrEqual(24);
    // The provider's incident ended within the hour before the onset: the chart's window holds it.
    await expect.poll(() => page.locator("#chart").getAttribute("data-official")).toBe("1");
    expect(await page.locator("#chart-official-note").textContent()).toContain(
      `what Discord said officially: `,
    );
    expect(await page.locator("#chart-official-note").isVisible()).toBe(true);
    await shot(page, "incident-desktop");
  });

  it("lists the service with an open incident first, with its incident, on the home page", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(system.url);
    const first = page.locator("#services li").first();
    expect(await first.getAttribute("data-slug")).toBe("discord");
    expect(await first.locator(".status-label").textContent()).toBe("Problems");
    expect(await page.locator("#troubled").textContent()).toBe("1 service shows problems right now.");
    expect(await page.locator(".recent-incidents li").first().textContent()).toMatch(/^Discord since /);
    await shot(page, "home-with-incident-desktop");
    await page.setViewportSize({ width: 390, height: 844 });
  });

  it("offers an embed snippet whose image loads", async () => {
    await page.goto(`${system.url}/services/discord`);
    const snippet = await page.locator("#embed-code").inputValue();
    const src =
      /^<img src="([^"]+)" alt="Discord: outage reports over the last 24 hours \(Outcry\)" width="800" height="400">$/.exec(
        snippet,
      )?.[1];
    expect(src).toBe(`${system.url}/v1/services/discord/chart.svg?range=24h`);
    expect(await page.locator("#embed-image").getAttribute("href")).toBe(src);
    const document = (await (await fetch(`${system.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    if (!document.paths["/v1/services/{slug}/chart.svg"]) {
      // The chart route is another change; until it lands, the snippet and its URL are what is checked.
      console.warn("GET /v1/services/{slug}/chart.svg is not served yet: the embed image was not loaded");
      return;
    }
    const image = await fetch(src as string);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    // The snippet as someone else's page would hold it.
    await page.setContent(`<!doctype html><body style="margin:8px">${snippet}</body>`);
    await expect
      .poll(() =>
        page.evaluate("document.querySelector('img').complete && document.querySelector('img').naturalWidth"),
      )
      .toBeGreaterThan(0);
    await shot(page, "embed-chart");
  });

  it("ran no script from a hostile name, label or post", async () => {
    await page.goto(`${system.url}/services/evil-corp`);
    expect(await page.locator("h1").textContent()).toBe(`Is ${HOSTILE_NAME} down?`);
    await page.getByRole("button", { name: `I have a problem with ${HOSTILE_NAME}` }).click();
    expect(await page.locator(".problem-choice").first().textContent()).toBe(
      `<b onmouseover=alert("label")>Login</b>`,
    );
    await page.locator(".problem-choice").first().hover();
    await shot(page, "hostile-names-phone");
    expect(alerts).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("renders the API reference at /docs under its Content-Security-Policy", async () => {
    const docs = await context.newPage();
    const refused: string[] = [];
    docs.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    const response = await docs.goto(`${system.url}/docs`);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self';");
    // Swagger UI has fetched /openapi.json and drawn the operations: its scripts all ran.
    await docs.locator(".swagger-ui .info .title", { hasText: "Outcry API" }).waitFor();
    await docs.locator(".opblock-summary-path", { hasText: "/v1/reports" }).first().waitFor();
    await shot(docs, "docs");
    expect(refused).toEqual([]);
    await docs.close();
  });

  it("passes axe-core's WCAG 2 A and AA checks on every page, in light and dark", async () => {
    const { incidents } = (await (await fetch(`${system.url}/v1/incidents?service=discord`)).json()) as {
      incidents: Array<{ id: string }>;
    };
    const pages = ["/", "/services/discord", "/services/spotify", `/incidents/${incidents[0]?.id}`];
    for (const colorScheme of ["light", "dark"] as const) {
      // The pages allow scripts from their own origin only; axe is injected by the test.
      const checker = await browser.newContext({
        bypassCSP: true,
        colorScheme,
        viewport: { width: 1280, height: 900 },
      });
      try {
        const tab = await checker.newPage();
        // The checker itself finds what it should: an image without a text alternative.
        await tab.setContent(`<!doctype html><html lang="en"><title>t</title><img src="data:,">`);
        await tab.addScriptTag({ content: AXE_SOURCE });
        expect(((await tab.evaluate(AXE_RUN)) as string[]).join()).toContain("image-alt");
        for (const path of pages) {
          await tab.goto(`${system.url}${path}`);
          // Not "networkidle": the live stream keeps a request open. The chart draws after its fetch.
          await tab.waitForLoadState("load");
          await tab.waitForTimeout(500);
          await tab.addScriptTag({ content: AXE_SOURCE });
          // A string, so it runs in the page (whose globals this file's types do not know).
          const violations = (await tab.evaluate(AXE_RUN)) as string[];
          expect({ page: path, colorScheme, violations }).toEqual({
            page: path,
            colorScheme,
            violations: [],
          });
        }
      } finally {
        await checker.close();
      }
    }
  });
});
