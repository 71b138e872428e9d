import { FakeBlueskyXrpc } from "@outcry/testing";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createIngestMetrics } from "../src/ingest-metrics.ts";
import type { CollectedPost } from "../src/jetstream-event.ts";
import { rateLimitWaitMs, SearchPoller, type SearchPollerOptions } from "../src/search-poller.ts";

const logger = pino({ level: "silent" });
const account = { did: "did:plc:outcry", handle: "outcry.test", password: "app-password-1234" };
const HOUR = 3_600_000;

// The backfill path against an XRPC server speaking the real protocol, driven by the real
// @atproto/api client inside the poller.
describe("search poller", () => {
  let xrpc: FakeBlueskyXrpc | undefined;
  afterEach(async () => {
    await xrpc?.close();
  });

  function poller(overrides: Partial<SearchPollerOptions> & { service: string }) {
    const collected: CollectedPost[] = [];
    const registry = new Registry();
    const search = new SearchPoller({
      intervalMs: 60_000,
      targets: async () => [{ service: "spotify", query: "spotify" }],
      startFrom: async () => Date.now() - 2 * HOUR,
      onPost: (post) => {
        collected.push(post);
        return undefined;
      },
      logger,
      metrics: createIngestMetrics(registry),
      ...overrides,
    });
    return { search, collected, registry };
  }

  it("logs in with an app password and pages through every post since the start", async () => {
    xrpc = await FakeBlueskyXrpc.start({ accounts: [account], requireAuth: true });
    const now = Date.now();
    for (let n = 0; n < 230; n++) {
      xrpc.addPost({
        did: "did:plc:someone",
        text: `spotify is down ${n}`,
        langs: ["en"],
        indexedAt: new Date(now - n * 10_000),
      });
    }
    // Older than where the search starts: never handed on.
    xrpc.addPost({
      did: "did:plc:someone",
      text: "spotify down last week",
      indexedAt: new Date(now - 5 * HOUR),
    });
    const { search, collected } = poller({
      service: xrpc.url,
      identifier: account.handle,
      appPassword: account.password,
    });
    const round = await search.pollOnce();
    expect(xrpc.logins).toBe(1);
    expect(round.requests).toBe(3);
    expect(collected).toHaveLength(230);
    expect(new Set(collected.map((post) => post.uri)).size).toBe(230);
    expect(collected[0]?.uri).toMatch(/^at:\/\/did:plc:someone\/app\.bsky\.feed\.post\//);

    // The next round asks only for what is new since the newest post seen.
    xrpc.addPost({ did: "did:plc:someone", text: "spotify still down", indexedAt: new Date(now + 1_000) });
    await search.pollOnce();
    expect(collected).toHaveLength(231);
    expect(collected.at(-1)?.text).toBe("spotify still down");
  });

  it("refreshes an expired session by itself and carries on", async () => {
    xrpc = await FakeBlueskyXrpc.start({ accounts: [account], requireAuth: true });
    xrpc.addPost({ did: "did:plc:someone", text: "spotify down?" });
    const { search, collected } = poller({
      service: xrpc.url,
      identifier: account.handle,
      appPassword: account.password,
    });
    await search.pollOnce();
    xrpc.expireAccessTokens();
    xrpc.addPost({
      did: "did:plc:someone",
      text: "spotify down again?",
      indexedAt: new Date(Date.now() + 1_000),
    });
    await search.pollOnce();
    expect(xrpc.refreshes).toBe(1);
    expect(xrpc.logins).toBe(1);
    expect(collected.map((post) => post.text)).toContain("spotify down again?");
  });

  it("waits out a 429 until ratelimit-reset, then retries", async () => {
    // One request per one-second window: the second page of results is refused until the reset.
    xrpc = await FakeBlueskyXrpc.start({ rateLimit: { limit: 1, windowSeconds: 1 } });
    for (let n = 0; n < 150; n++) xrpc.addPost({ did: "did:plc:someone", text: `spotify down? ${n}` });
    const { search, collected, registry } = poller({ service: xrpc.url });
    const round = await search.pollOnce();
    expect(collected).toHaveLength(150);
    expect(round.requests).toBe(2);
    const values = (await registry.getSingleMetric("outcry_search_requests_total")?.get())?.values ?? [];
    expect(values.find((value) => value.labels.result === "rate-limited")?.value).toBeGreaterThanOrEqual(1);
    expect(values.find((value) => value.labels.result === "ok")?.value).toBe(2);
  });

  it("gives up on a round whose rate-limit window resets too late", async () => {
    xrpc = await FakeBlueskyXrpc.start({ rateLimit: { limit: 1, windowSeconds: 600 } });
    xrpc.addPost({ did: "did:plc:someone", text: "spotify down?" });
    const { search, collected } = poller({ service: xrpc.url, maxRateLimitWaitMs: 5_000 });
    expect((await search.pollOnce()).posts).toBe(1);
    const started = Date.now();
    expect((await search.pollOnce()).posts).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(collected).toHaveLength(1);
  });

  it("fails the round loudly on a wrong app password", async () => {
    xrpc = await FakeBlueskyXrpc.start({ accounts: [account], requireAuth: true });
    const { search } = poller({ service: xrpc.url, identifier: account.handle, appPassword: "wrong" });
    await expect(search.pollOnce()).rejects.toThrow(/Invalid identifier or password/);
  });
});

describe("rateLimitWaitMs", () => {
  it("waits until the reset second, at least a second, and a minute when the header is missing", () => {
    const now = 1_000_000_000_000;
    expect(rateLimitWaitMs(String(now / 1000 + 30), now)).toBe(30_000);
    expect(rateLimitWaitMs(String(now / 1000 - 30), now)).toBe(1_000);
    expect(rateLimitWaitMs(undefined, now)).toBe(60_000);
    expect(rateLimitWaitMs("soon", now)).toBe(60_000);
  });
});
