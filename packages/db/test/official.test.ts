import { loadSeedCatalog } from "@outcry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Database,
  listOfficialChanges,
  listServices,
  loadOfficialSources,
  type NewOfficialChange,
  recordOfficialFailure,
  recordOfficialReading,
  saveEditedService,
  upsertServices,
} from "../src/index.ts";
import { drivers } from "./drivers.ts";

const PAGE = "https://www.githubstatus.com";
const t0 = Date.parse("2025-04-16T12:00:00Z");
const MINUTE = 60_000;

const created: NewOfficialChange = {
  naturalKey: "incident:abc:created",
  kind: "incident-created",
  at: t0 + 5 * MINUTE,
  status: "investigating",
  incidentId: "abc",
  title: "Degraded performance for Git operations",
  impact: "minor",
  components: ["Git Operations"],
};
const degraded: NewOfficialChange = {
  naturalKey: "component:c1:degraded_performance:2025-04-16T12:04:00.000Z",
  kind: "component",
  at: t0 + 4 * MINUTE,
  status: "degraded_performance",
  componentId: "c1",
  componentName: "Git Operations",
};

describe.each(drivers)("official sources on $name", ({ open }) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await open());
    await database.migrate();
  });

  afterAll(async () => {
    await database.close();
    await cleanup();
  });

  it("keeps the seed's official sources, and an admin's change of them over a new seed", async () => {
    const seed = loadSeedCatalog();
    await upsertServices(database.db, seed);
    let services = await listServices(database.db);
    expect(services.find((service) => service.slug === "github-copilot")?.official).toEqual([
      { kind: "statuspage", url: PAGE, components: ["Copilot"] },
    ]);
    // A service the seed names no source for has no `official` at all, not an empty list.
    expect(services.find((service) => service.slug === "spotify")).not.toHaveProperty("official");

    const github = seed.find((service) => service.slug === "github");
    if (!github) throw new Error("github is in the seed");
    const mirror = [{ kind: "feed" as const, url: "https://status.example.org/github.atom" }];
    await saveEditedService(database.db, { ...github, official: mirror });
    await upsertServices(database.db, seed);
    services = await listServices(database.db);
    expect(services.find((service) => service.slug === "github")?.official).toEqual(mirror);
  });

  it("records each change once, however often the page is read again", async () => {
    const reading = {
      key: PAGE,
      kind: "statuspage" as const,
      validators: { [`${PAGE}/api/v2/summary.json`]: { etag: 'W/"v1"' } },
      state: { indicator: "minor" },
      changes: [created, degraded],
      at: t0 + 6 * MINUTE,
    };
    expect(await recordOfficialReading(database.db, reading)).toEqual([
      created.naturalKey,
      degraded.naturalKey,
    ]);
    expect(await recordOfficialReading(database.db, { ...reading, at: t0 + 7 * MINUTE })).toEqual([]);
    const resolved: NewOfficialChange = {
      naturalKey: "incident:abc:resolved",
      kind: "incident-resolved",
      at: t0 + 40 * MINUTE,
      status: "resolved",
      incidentId: "abc",
    };
    expect(
      await recordOfficialReading(database.db, {
        ...reading,
        changes: [created, resolved],
        at: t0 + 41 * MINUTE,
      }),
    ).toEqual(["incident:abc:resolved"]);

    const changes = await listOfficialChanges(database.db, { sources: [PAGE] });
    // In the provider's order, whatever order they were read in.
    expect(changes.map((change) => change.kind)).toEqual([
      "component",
      "incident-created",
      "incident-resolved",
    ]);
    expect(changes[1]).toMatchObject({
      source: PAGE,
      at: t0 + 5 * MINUTE,
      observedAt: t0 + 6 * MINUTE,
      title: "Degraded performance for Git operations",
      components: ["Git Operations"],
    });
    expect(changes[1]).not.toHaveProperty("componentId");
    const window = await listOfficialChanges(database.db, {
      sources: [PAGE],
      from: t0 + 5 * MINUTE,
      to: t0 + 40 * MINUTE,
    });
    expect(window.map((change) => change.naturalKey)).toEqual(["incident:abc:created"]);
    expect(await listOfficialChanges(database.db, { sources: [] })).toEqual([]);
  });

  it("keeps the last good state through failures, and marks it stale after a while", async () => {
    const key = "https://status.example.org/feed.atom";
    await recordOfficialReading(database.db, {
      key,
      kind: "feed",
      validators: { [key]: { lastModified: "Wed, 16 Apr 2025 12:00:00 GMT" } },
      state: { items: ["a"] },
      changes: [],
      at: t0,
    });
    const staleMs = 15 * MINUTE;
    expect(
      await recordOfficialFailure(database.db, {
        key,
        kind: "feed",
        error: "HTTP 503",
        at: t0 + MINUTE,
        staleMs,
      }),
    ).toBe(false);
    expect(
      await recordOfficialFailure(database.db, {
        key,
        kind: "feed",
        error: "not XML",
        at: t0 + 16 * MINUTE,
        staleMs,
      }),
    ).toBe(true);
    let [source] = await loadOfficialSources(database.db, [key]);
    expect(source).toMatchObject({
      state: { items: ["a"] },
      validators: { [key]: { lastModified: "Wed, 16 Apr 2025 12:00:00 GMT" } },
      failures: 2,
      stale: true,
      lastError: "not XML",
      lastErrorAt: t0 + 16 * MINUTE,
      succeededAt: t0,
    });

    // A 304 is a success: the state is current again.
    await recordOfficialReading(database.db, {
      key,
      kind: "feed",
      validators: { [key]: { lastModified: "Wed, 16 Apr 2025 12:00:00 GMT" } },
      changes: [],
      at: t0 + 17 * MINUTE,
    });
    [source] = await loadOfficialSources(database.db, [key]);
    expect(source).toMatchObject({
      state: { items: ["a"] },
      failures: 0,
      stale: false,
      lastError: "not XML",
    });
  });

  it("counts a source that never answered as stale only once the stale time has passed", async () => {
    const key = "https://never.example.org";
    const at = Date.now();
    const failure = { key, kind: "statuspage" as const, error: "timed out", staleMs: 15 * MINUTE };
    expect(await recordOfficialFailure(database.db, { ...failure, at })).toBe(false);
    expect(await recordOfficialFailure(database.db, { ...failure, at: at + 16 * MINUTE })).toBe(true);
    const [source] = await loadOfficialSources(database.db, [key]);
    expect(source).toMatchObject({ state: undefined, succeededAt: undefined, failures: 2, stale: true });
  });
});
