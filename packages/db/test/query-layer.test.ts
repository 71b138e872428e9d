import { randomUUID } from "node:crypto";
import { HOUR_MS, loadSeedCatalog, MINUTE_MS, type Signal } from "@outcry/core";
import { createTestDatabase } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APPLIED_BATCH_RETENTION_MS,
  applySignalBatch,
  type Database,
  isDatabaseUnavailable,
  latestPosts,
  listServices,
  loadIngestCursor,
  openDatabase,
  problemCounts,
  pruneAppliedBatches,
  prunePosts,
  saveDetectorStates,
  saveEditedService,
  saveIngestCursor,
  seriesForService,
  servicesWithProblems,
  upsertServices,
} from "../src/index.ts";
import { drivers } from "./drivers.ts";

const t0 = Date.parse("2025-04-16T08:00:00Z");

function signal(overrides: Partial<Signal> = {}): Signal {
  return {
    id: randomUUID(),
    service: "spotify",
    region: "GB",
    source: "report",
    at: t0,
    problem: "login",
    reporter: "r",
    ...overrides,
  };
}

function postSignal(rkey: string, overrides: Partial<Signal> = {}): Signal {
  const uri = `at://did:plc:test/app.bsky.feed.post/${rkey}`;
  return {
    ...signal({
      source: "bluesky",
      reporter: undefined,
      problem: undefined,
      text: "spotify down?",
      ...overrides,
    }),
    post: { uri, lang: "en", score: 0.9 },
  };
}

describe.each(drivers)("query layer on $name", ({ open }) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await open());
    await database.migrate();
    await upsertServices(database.db, loadSeedCatalog());
  });

  afterAll(async () => {
    await database.close();
    await cleanup();
  });

  it("loads the seed catalog and keeps it when loaded again", async () => {
    await upsertServices(database.db, loadSeedCatalog());
    const services = await listServices(database.db);
    expect(services).toHaveLength(loadSeedCatalog().length);
    expect(services.find((service) => service.slug === "spotify")?.name).toBe("Spotify");
  });

  it("keeps an admin's edit of a seed service when the seed is loaded again", async () => {
    const seed = loadSeedCatalog();
    const spotify = seed.find((service) => service.slug === "spotify");
    if (!spotify) throw new Error("spotify is in the seed");
    await saveEditedService(database.db, { ...spotify, aliases: ["spotify", "spotty"] });
    const renamed = seed.map((service) => ({ ...service, name: `${service.name} (new release)` }));
    await upsertServices(database.db, renamed);
    const stored = await listServices(database.db);
    expect(stored.find((service) => service.slug === "spotify")?.aliases).toEqual(["spotify", "spotty"]);
    expect(stored.find((service) => service.slug === "netflix")?.name).toBe("Netflix (new release)");
    await upsertServices(database.db, seed);
  });

  it("counts a batch once, however often it is delivered", async () => {
    const batch = {
      id: randomUUID(),
      signals: [signal({ service: "netflix" }), signal({ service: "netflix" })],
    };
    expect(await applySignalBatch(database.db, batch)).toEqual({ applied: true });
    expect(await applySignalBatch(database.db, batch)).toEqual({ applied: false });
    const points = await seriesForService(database.db, {
      service: "netflix",
      from: t0,
      to: t0 + MINUTE_MS,
      stepMs: MINUTE_MS,
    });
    expect(points).toEqual([{ t: t0, count: 2 }]);
  });

  it("sums regions and sources into the global series and splits them on request", async () => {
    await applySignalBatch(database.db, {
      id: randomUUID(),
      signals: [
        signal({ service: "discord", region: "GB" }),
        signal({ service: "discord", region: "US" }),
        postSignal("discord-1", { service: "discord", region: "US", at: t0 + MINUTE_MS + 5_000 }),
        signal({ service: "discord", region: "US", at: t0 + 3 * MINUTE_MS }),
      ],
    });
    const query = { service: "discord", from: t0, to: t0 + 4 * MINUTE_MS, stepMs: MINUTE_MS };
    const counts = async (extra: object) =>
      (await seriesForService(database.db, { ...query, ...extra })).map((point) => point.count);
    expect(await counts({})).toEqual([2, 1, 0, 1]);
    expect(await counts({ region: "US" })).toEqual([1, 1, 0, 1]);
    expect(await counts({ source: "bluesky" })).toEqual([0, 1, 0, 0]);
    expect(await counts({ region: "FR" })).toEqual([0, 0, 0, 0]);
    expect(await counts({ stepMs: 2 * MINUTE_MS, to: t0 + 4 * MINUTE_MS })).toEqual([3, 1]);
    // The hour rollups, per region and as service totals, agree with the minutes.
    expect(await counts({ stepMs: HOUR_MS, to: t0 + HOUR_MS })).toEqual([4]);
    expect(await counts({ stepMs: HOUR_MS, to: t0 + HOUR_MS, region: "US" })).toEqual([3]);
    expect(await counts({ stepMs: HOUR_MS, to: t0 + HOUR_MS, source: "report" })).toEqual([3]);
  });

  it("counts a post once, even when it comes back in another batch", async () => {
    const query = {
      service: "deezer",
      from: t0,
      to: t0 + 2 * HOUR_MS,
      stepMs: MINUTE_MS,
      source: "bluesky" as const,
    };
    const first = [
      postSignal("deezer-1", { service: "deezer" }),
      postSignal("deezer-2", { service: "deezer" }),
    ];
    await applySignalBatch(database.db, { id: randomUUID(), signals: first });
    // A replay of one post plus a new one, in a new batch (a collector restarted and rewound).
    const replay = [
      postSignal("deezer-2", { service: "deezer" }),
      postSignal("deezer-3", { service: "deezer", at: t0 + HOUR_MS }),
    ];
    await applySignalBatch(database.db, { id: randomUUID(), signals: replay });
    const minutes = (await seriesForService(database.db, query)).filter((point) => point.count > 0);
    expect(minutes).toEqual([
      { t: t0, count: 2 },
      { t: t0 + HOUR_MS, count: 1 },
    ]);
    const hours = await seriesForService(database.db, { ...query, stepMs: HOUR_MS });
    expect(hours.map((point) => point.count)).toEqual([2, 1]);
  });

  it("forgets post texts past their retention, keeps the counts, and remembers collector cursors", async () => {
    const old = postSignal("retention-old", { service: "tidal-none", at: t0 - 10 * HOUR_MS });
    const recent = postSignal("retention-new", { service: "tidal-none", at: t0 });
    await applySignalBatch(database.db, { id: randomUUID(), signals: [old, recent] });
    expect(await prunePosts(database.db, 5 * HOUR_MS, t0)).toBe(1);
    expect((await latestPosts(database.db, "tidal-none", 10)).map((post) => post.uri)).toEqual([
      recent.post?.uri,
    ]);
    const counts = await seriesForService(database.db, {
      service: "tidal-none",
      from: t0 - 10 * HOUR_MS,
      to: t0 + HOUR_MS,
      stepMs: HOUR_MS,
    });
    expect(counts.reduce((sum, point) => sum + point.count, 0)).toBe(2);

    expect(await loadIngestCursor(database.db, "jetstream-test")).toBeUndefined();
    await saveIngestCursor(database.db, "jetstream-test", 1_744_790_400_000_000);
    await saveIngestCursor(database.db, "jetstream-test", 1_744_790_405_000_000);
    expect(await loadIngestCursor(database.db, "jetstream-test")).toBe(1_744_790_405_000_000);
  });

  it("lists the services whose detector sees problems lately, for the search poller", async () => {
    const state = (service: string, status: "ok" | "possible" | "problems", lastBucket: number) => ({
      service,
      region: "*",
      source: "all",
      lastBucket,
      state: {},
      status,
      score: status === "ok" ? 0.1 : 0.9,
    });
    await saveDetectorStates(database.db, [
      state("netflix", "problems", t0),
      state("hulu", "possible", t0),
      state("deezer", "ok", t0),
      state("twitch", "problems", t0 - 2 * HOUR_MS),
    ]);
    expect(await servicesWithProblems(database.db, t0 - HOUR_MS)).toEqual(["hulu", "netflix"]);
  });

  it("counts the problems people name, from reports and matched posts", async () => {
    await applySignalBatch(database.db, {
      id: randomUUID(),
      signals: [
        signal({ service: "soundcloud", problem: "playback" }),
        signal({ service: "soundcloud", problem: "playback", region: "US" }),
        postSignal("soundcloud-1", { service: "soundcloud", problem: "login" }),
        postSignal("soundcloud-2", { service: "soundcloud" }),
      ],
    });
    const window = { service: "soundcloud", from: t0, to: t0 + MINUTE_MS };
    expect(await problemCounts(database.db, window)).toEqual([
      { problem: "playback", count: 2 },
      { problem: "login", count: 1 },
    ]);
    expect(await problemCounts(database.db, { ...window, source: "bluesky" })).toEqual([
      { problem: "login", count: 1 },
    ]);
    expect(await problemCounts(database.db, { ...window, region: "US" })).toEqual([
      { problem: "playback", count: 1 },
    ]);
  });

  it("serves hour and day steps from the hour rollup", async () => {
    await applySignalBatch(database.db, {
      id: randomUUID(),
      signals: [
        signal({ service: "steam", at: t0 + 10 * MINUTE_MS }),
        signal({ service: "steam", at: t0 + 50 * MINUTE_MS }),
        signal({ service: "steam", at: t0 + HOUR_MS + 1 }),
      ],
    });
    const hourly = await seriesForService(database.db, {
      service: "steam",
      from: t0,
      to: t0 + 2 * HOUR_MS,
      stepMs: HOUR_MS,
    });
    expect(hourly.map((point) => point.count)).toEqual([2, 1]);
    const day = Date.parse("2025-04-16T00:00:00Z");
    const daily = await seriesForService(database.db, {
      service: "steam",
      from: day,
      to: day + 24 * HOUR_MS,
      stepMs: 24 * HOUR_MS,
    });
    expect(daily).toEqual([{ t: day, count: 3 }]);
  });

  it("forgets applied batch ids after a week, keeping the recent ones", async () => {
    const recent = { id: randomUUID(), signals: [signal({ service: "zoom" })] };
    await applySignalBatch(database.db, recent);
    const weekAndADayLater = Date.now() + APPLIED_BATCH_RETENTION_MS + 86_400_000;
    const oldEnough = await pruneAppliedBatches(database.db, weekAndADayLater);
    expect(oldEnough).toBeGreaterThanOrEqual(1);
    // Pruned ids are gone for good; pruning now removes nothing recent.
    await applySignalBatch(database.db, { id: randomUUID(), signals: [signal({ service: "zoom" })] });
    expect(await pruneAppliedBatches(database.db)).toBe(0);
  });

  it("applies concurrent batches on the same counts without losing any", async () => {
    const batches = Array.from({ length: 20 }, () => ({
      id: randomUUID(),
      signals: Array.from({ length: 25 }, (_, index) =>
        signal({ service: "twitch", region: index % 2 ? "GB" : "US", at: t0 + (index % 3) * MINUTE_MS }),
      ),
    }));
    await Promise.all(batches.map((batch) => applySignalBatch(database.db, batch)));
    const points = await seriesForService(database.db, {
      service: "twitch",
      from: t0,
      to: t0 + 3 * MINUTE_MS,
      stepMs: MINUTE_MS,
    });
    expect(points.reduce((sum, point) => sum + point.count, 0)).toBe(500);
  });
});

describe("migrations on Postgres", () => {
  it("run once when several roles start together on a fresh database", async () => {
    const fresh = await createTestDatabase();
    const roles = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ url: fresh.url, dataDir: "unused", maxConnections: 2 })),
    );
    try {
      await Promise.all(roles.map((role) => role.migrate()));
      expect(await listServices(roles[0]?.db as Database["db"])).toEqual([]);
    } finally {
      for (const role of roles) await role.close();
      await fresh.drop();
    }
  });
});

describe("isDatabaseUnavailable", () => {
  it("recognises a refused connection and not a query error", async () => {
    const unreachable = await openDatabase({
      url: "postgres://postgres@127.0.0.1:1/none",
      dataDir: "unused",
    });
    const refused = await unreachable.ping().catch((error: unknown) => error);
    await unreachable.close();
    expect(isDatabaseUnavailable(refused)).toBe(true);

    const test = await createTestDatabase();
    const reachable = await openDatabase({ url: test.url, dataDir: "unused" });
    const badQuery = await reachable.db
      .execute("select * from no_such_table")
      .catch((error: unknown) => error);
    await reachable.close();
    await test.drop();
    expect(badQuery).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(badQuery)).toBe(false);
  });
});
