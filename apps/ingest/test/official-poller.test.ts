import { Writable } from "node:stream";
import { CatalogIndex, type OfficialSource, Service } from "@outcry/core";
import { type Database, listOfficialChanges, loadOfficialSources, openDatabase } from "@outcry/db";
import {
  createTestDatabase,
  FakeBlueskyXrpc,
  FakeStatusFeeds,
  FakeStatuspage,
  type FakeStatuspagePage,
  type TestDatabase,
  waitFor,
} from "@outcry/testing";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOfficialMetrics } from "../src/official-metrics.ts";
import { OfficialPoller, type OfficialPollerOptions } from "../src/official-poller.ts";

// The poller against a fake Statuspage and fake feeds speaking HTTP for real, storing in a real
// Postgres of its own.
let testDatabase: TestDatabase;
let database: Database;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase({ url: testDatabase.url, dataDir: "unused" });
  await database.migrate();
});

afterAll(async () => {
  await database?.close();
  await testDatabase?.drop();
});

function service(slug: string, official: OfficialSource[]): Service {
  return Service.parse({
    slug,
    name: slug,
    category: "other",
    aliases: [slug],
    problems: [{ id: "app", label: "App" }],
    official,
  });
}

interface Harness {
  poller: OfficialPoller;
  registry: Registry;
  logs: Array<Record<string, unknown>>;
}

const running: OfficialPoller[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((poller) => poller.close()));
});

function startPoller(services: Service[], overrides: Partial<OfficialPollerOptions> = {}): Harness {
  const registry = new Registry();
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const poller = new OfficialPoller({
    db: database.db,
    catalog: () => new CatalogIndex(services),
    intervalMs: 150,
    hostIntervalMs: 0,
    staleMs: 60_000,
    blueskyService: "http://127.0.0.1:9",
    logger: pino({ level: "info" }, sink),
    metrics: createOfficialMetrics(registry),
    timeoutMs: 2_000,
    maxBackoffMs: 300,
    ...overrides,
  });
  poller.start();
  running.push(poller);
  return { poller, registry, logs };
}

async function polls(registry: Registry, result: string): Promise<number> {
  const values = (await registry.getSingleMetric("outcry_official_polls_total")?.get())?.values ?? [];
  return values
    .filter((value) => value.labels.result === result)
    .reduce((sum, value) => sum + value.value, 0);
}

async function changesOf(key: string) {
  return listOfficialChanges(database.db, { sources: [key] });
}

describe("official poller, Statuspage", () => {
  let statuspage: FakeStatuspage;
  beforeAll(async () => {
    statuspage = await FakeStatuspage.start();
  });
  afterAll(async () => {
    await statuspage.close();
  });

  it("records an incident's life once, however often the page is read, with conditional requests", async () => {
    const page = statuspage.addPage("music", {
      name: "Music",
      components: ["Apps/Playback", "Apps/Login", "Website"],
      utcOffsetMinutes: -420,
    });
    // What the ingest role turns into official.changed live events: each change told once.
    const announced: string[] = [];
    const { poller, registry } = startPoller(
      [
        service("music", [{ kind: "statuspage", url: page.url }]),
        // A second service on the same page: read once, not twice.
        service("music-web", [{ kind: "statuspage", url: page.url, components: ["Website"] }]),
      ],
      {
        onChanges: async (target, fresh) => {
          for (const change of fresh) announced.push(`${target.services.join("+")} ${change.naturalKey}`);
        },
      },
    );
    await waitFor(async () => (await polls(registry, "ok")) >= 1, { what: "a first reading" });

    const opened = Date.now();
    const id = page.openIncident({
      name: "Playback failing",
      impact: "major",
      body: "We are investigating.",
      components: ["Playback"],
    });
    page.setComponent("Playback", "major_outage");
    await waitFor(
      async () => (await changesOf(page.url)).some((change) => change.kind === "incident-created"),
      {
        what: "the incident recorded",
      },
    );
    // Several more readings of an unchanged page: 304s, and nothing recorded twice.
    // Counted once each reading is done (the fake sees the request before the poller is through).
    await waitFor(async () => (await polls(registry, "not_modified")) >= 3, { what: "three 304 readings" });
    const last = page.requestHeaders.at(-1) ?? {};
    expect(last["if-none-match"]).toMatch(/^W\/"/);
    expect(last["if-modified-since"]).toMatch(/GMT$/);
    expect(last["user-agent"]).toMatch(/^Outcry\//);

    page.resolveIncident(id);
    page.setComponent("Playback", "operational");
    await waitFor(
      async () => (await changesOf(page.url)).some((change) => change.kind === "incident-resolved"),
      {
        what: "the resolution recorded",
      },
    );
    const changes = await changesOf(page.url);
    const kinds = changes.map((change) => change.kind);
    expect(kinds.filter((kind) => kind === "incident-created")).toHaveLength(1);
    expect(kinds.filter((kind) => kind === "incident-resolved")).toHaveLength(1);
    expect(changes.filter((change) => change.kind === "component").map((change) => change.status)).toEqual([
      "major_outage",
      "operational",
    ]);
    const created = changes.find((change) => change.kind === "incident-created");
    // The page writes -07:00; stored in UTC, to the millisecond the page said.
    expect(created?.at).toBeGreaterThanOrEqual(opened - 1_000);
    expect(created?.at).toBeLessThanOrEqual(opened + 1_000);
    expect(created).toMatchObject({ title: "Playback failing", impact: "major", components: ["Playback"] });
    // incidents.json is read only when the summary changed; the page once for both services. The
    // poller keeps reading, so compare between two readings, when the fake's counts have settled.
    await waitFor(
      async () => {
        const ok = await polls(registry, "ok");
        const notModified = await polls(registry, "not_modified");
        return page.requests("incidents.json") === ok && page.requests("summary.json") === ok + notModified
          ? true
          : undefined;
      },
      { what: "one incidents.json per changed summary, one summary.json per reading" },
    );
    expect(poller.targets()).toEqual([
      { key: page.url, source: { kind: "statuspage", url: page.url }, services: ["music", "music-web"] },
    ]);
    expect(announced.sort()).toEqual(changes.map((change) => `music+music-web ${change.naturalKey}`).sort());
  });

  it("logs, counts and retries garbage, HTML, errors, loops and timeouts, keeping the last good state", async () => {
    const page = statuspage.addPage("flaky", { name: "Flaky" });
    const { registry, logs } = startPoller([service("flaky", [{ kind: "statuspage", url: page.url }])], {
      timeoutMs: 300,
    });
    await waitFor(async () => (await polls(registry, "ok")) >= 1, { what: "a first good reading" });

    const faults: Array<[Parameters<FakeStatuspagePage["failNext"]>[1], string]> = [
      [{ kind: "html" }, "invalid"],
      [{ kind: "garbage" }, "invalid"],
      [{ kind: "status", status: 500 }, "server_error"],
      [{ kind: "status", status: 404 }, "client_error"],
      [{ kind: "redirect-loop" }, "redirect"],
      [{ kind: "slow", delayMs: 1_000 }, "timeout"],
    ];
    for (const [fault, result] of faults) {
      // The page changes, so the poller must fetch it in full (and meet the fault).
      page.setComponent("API", "operational", Date.now());
      page.failNext(1, fault);
      await waitFor(async () => (await polls(registry, result)) >= 1, {
        what: `a ${result} reading`,
        timeoutMs: 15_000,
      });
    }
    const warning = logs.find((line) => line.result === "invalid");
    expect(warning).toMatchObject({ services: ["flaky"], url: page.url, level: 40 });
    expect(String(warning?.error)).toMatch(/HTML instead of JSON/);
    // Recovered, with its state intact.
    await waitFor(async () => (await loadOfficialSources(database.db, [page.url]))[0]?.failures === 0, {
      what: "a good reading after the faults",
    });
    const [stored] = await loadOfficialSources(database.db, [page.url]);
    expect(stored?.state).toMatchObject({ kind: "statuspage", name: "Flaky" });
    expect(stored?.lastError).toMatch(/^timeout: /);
  });

  it("waits as long as a 429's Retry-After asks before asking that host again", async () => {
    const page = statuspage.addPage("limited", { name: "Limited" });
    const { registry } = startPoller([service("limited", [{ kind: "statuspage", url: page.url }])]);
    await waitFor(async () => (await polls(registry, "ok")) >= 1, { what: "a first reading" });
    page.failNext(1, { kind: "status", status: 429, retryAfter: "2" });
    await waitFor(async () => (await polls(registry, "rate_limited")) >= 1, { what: "a 429" });
    const limitedAt = page.requestTimes.at(-1) ?? 0;
    await waitFor(() => page.requestTimes.length > 0 && (page.requestTimes.at(-1) ?? 0) > limitedAt, {
      what: "the next request",
      timeoutMs: 10_000,
    });
    expect((page.requestTimes.at(-1) ?? 0) - limitedAt).toBeGreaterThanOrEqual(1_900);
  });

  it("marks a source stale after failing long enough, and keeps what it last said", async () => {
    const page = statuspage.addPage("down", { name: "Down" });
    page.setComponent("API", "partial_outage");
    const { registry, logs } = startPoller([service("down", [{ kind: "statuspage", url: page.url }])], {
      staleMs: 500,
    });
    await waitFor(async () => (await polls(registry, "ok")) >= 1, { what: "a first reading" });
    page.failNext(1_000, { kind: "status", status: 503, retryAfter: "0" });
    page.setComponent("API", "major_outage");
    await waitFor(async () => (await loadOfficialSources(database.db, [page.url]))[0]?.stale, {
      what: "the source marked stale",
      timeoutMs: 15_000,
    });
    const [stored] = await loadOfficialSources(database.db, [page.url]);
    expect(stored?.state).toMatchObject({
      components: [expect.objectContaining({ status: "partial_outage" })],
    });
    expect(logs.some((line) => line.msg === "official source is stale" && line.url === page.url)).toBe(true);
    const gauge = (await registry.getSingleMetric("outcry_official_stale_sources")?.get())?.values[0]?.value;
    expect(gauge).toBe(1);
  });

  it("keeps a minimum interval between requests to one host", async () => {
    const pages = ["host-a", "host-b", "host-c"].map((slug) => statuspage.addPage(slug, { name: slug }));
    startPoller(
      pages.map((page, index) => service(`polite-${index}`, [{ kind: "statuspage", url: page.url }])),
      { hostIntervalMs: 250, intervalMs: 100 },
    );
    await waitFor(() => pages.every((page) => page.requests("summary.json") >= 2), {
      what: "two readings of each page",
      timeoutMs: 15_000,
    });
    const times = pages.flatMap((page) => page.requestTimes).sort((a, b) => a - b);
    const gaps = times.slice(1).map((time, index) => time - (times[index] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(240);
  });
});

describe("official poller, feeds", () => {
  let feeds: FakeStatusFeeds;
  beforeAll(async () => {
    feeds = await FakeStatusFeeds.start();
  });
  afterAll(async () => {
    await feeds.close();
  });

  it("records new and resolved items once, and survives broken XML and HTML", async () => {
    const feed = feeds.addFeed("cloud", { format: "rss", rssZone: "PDT", rssZoneOffsetMinutes: -420 });
    const published = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    feed.addEntry({
      id: "inc-1",
      title: "Elevated errors",
      html: "<p>Investigating</p>",
      published,
      updated: published,
    });
    const { registry } = startPoller([service("cloud", [{ kind: "feed", url: feed.url }])]);
    await waitFor(async () => (await changesOf(feed.url)).length === 1, { what: "the item recorded" });
    expect((await changesOf(feed.url))[0]).toMatchObject({
      kind: "incident-created",
      at: published,
      title: "Elevated errors",
    });

    feed.serveBrokenXml();
    await waitFor(async () => (await polls(registry, "invalid")) >= 1, { what: "broken XML refused" });
    feed.serveBrokenXml(false);
    feed.failNext(1, { kind: "html" });
    await waitFor(async () => (await polls(registry, "invalid")) >= 2, { what: "HTML refused" });

    feed.addEntry({
      id: "inc-2",
      title: "[RESOLVED] Elevated errors",
      html: "<p>Resolved</p>",
      published: published + 30_000,
      updated: published + 30_000,
    });
    await waitFor(async () => (await changesOf(feed.url)).length === 3, {
      what: "the second item and its resolution",
    });
    const okBefore = await polls(registry, "ok");
    await waitFor(async () => (await polls(registry, "not_modified")) >= 2, {
      what: "two unchanged readings",
    });
    expect(await polls(registry, "ok")).toBe(okBefore);
    expect((await changesOf(feed.url)).map((change) => change.naturalKey)).toEqual([
      "item:inc-1:created",
      "item:inc-2:created",
      "item:inc-2:resolved",
    ]);
    const [stored] = await loadOfficialSources(database.db, [feed.url]);
    expect(stored).toMatchObject({ stale: false, failures: 0 });
  });
});

describe("official poller, Bluesky accounts", () => {
  it("records the account's posts once each, read with @atproto/api", async () => {
    const xrpc = await FakeBlueskyXrpc.start();
    try {
      const did = "did:plc:officialstatus";
      const first = xrpc.addPost({
        did,
        handle: "status.example.com",
        text: "We are looking into login errors.",
      });
      const { registry } = startPoller(
        [service("example", [{ kind: "bluesky", handle: "status.example.com" }])],
        {
          blueskyService: xrpc.url,
        },
      );
      const key = "at://status.example.com";
      await waitFor(async () => (await changesOf(key)).length === 1, { what: "the first post recorded" });
      xrpc.addPost({
        did,
        handle: "status.example.com",
        text: "Fixed.",
        indexedAt: new Date(Date.now() + 1_000),
      });
      await waitFor(async () => (await changesOf(key)).length === 2, { what: "the second post recorded" });
      await waitFor(async () => (await polls(registry, "ok")) >= 4, { what: "more readings" });
      const changes = await changesOf(key);
      expect(changes.map((change) => [change.kind, change.body])).toEqual([
        ["post", "We are looking into login errors."],
        ["post", "Fixed."],
      ]);
      expect(changes[0]).toMatchObject({ url: first.uri, at: Date.parse(first.indexedAt) });
      expect(xrpc.requestCount("app.bsky.feed.getAuthorFeed")).toBeGreaterThanOrEqual(4);
    } finally {
      await Promise.all(running.splice(0).map((poller) => poller.close()));
      await xrpc.close();
    }
  });
});
