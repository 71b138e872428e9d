import { randomUUID } from "node:crypto";
import { applySignalBatch, GLOBAL_REGION, insertIncident, saveDetectorStates } from "@outcry/db";
import { body } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";

const at = (iso: string) => new Date(iso);

describe("incident routes", () => {
  let api: TestApi;
  const globalId = randomUUID();
  const regionalId = randomUUID();
  const oldId = randomUUID();

  beforeAll(async () => {
    api = await startTestApi();
    const base = {
      service: "spotify",
      peakExpected: 30,
      peakScore: 1,
      resolvedAt: null,
      globalIncidentId: null,
      updatedAt: new Date(),
    };
    await insertIncident(api.database.db, {
      ...base,
      id: globalId,
      region: "*",
      status: "open",
      startedAt: at("2025-04-16T12:00:00Z"),
      detectedAt: at("2025-04-16T12:01:00Z"),
      peakAt: at("2025-04-16T13:30:00Z"),
      peakCount: 48_000,
    });
    await insertIncident(api.database.db, {
      ...base,
      id: regionalId,
      region: "GB",
      source: "report",
      status: "open",
      startedAt: at("2025-04-16T12:01:00Z"),
      detectedAt: at("2025-04-16T12:02:00Z"),
      peakAt: at("2025-04-16T13:30:00Z"),
      peakCount: 9_000,
      globalIncidentId: globalId,
    });
    await insertIncident(api.database.db, {
      ...base,
      id: oldId,
      service: "discord",
      region: "*",
      status: "resolved",
      startedAt: at("2025-03-01T10:00:00Z"),
      detectedAt: at("2025-03-01T10:02:00Z"),
      resolvedAt: at("2025-03-01T11:00:00Z"),
      peakAt: at("2025-03-01T10:20:00Z"),
      peakCount: 500,
    });
  });
  afterAll(() => api.close());

  const ids = async (query: string) =>
    (await body(fetch(`${api.url}/v1/incidents${query}`))).incidents.map(
      (incident: { id: string }) => incident.id,
    );

  it("lists incidents newest first, global ones with a null region", async () => {
    const { incidents } = await body(fetch(`${api.url}/v1/incidents`));
    expect(incidents.map((incident: { id: string }) => incident.id)).toEqual([regionalId, globalId, oldId]);
    expect(incidents[1]).toMatchObject({
      service: "spotify",
      region: null,
      source: "all",
      status: "open",
      startedAt: "2025-04-16T12:00:00.000Z",
      resolvedAt: null,
      peak: { at: "2025-04-16T13:30:00.000Z", count: 48_000, expected: 30, score: 1 },
    });
    expect(incidents[0].globalIncidentId).toBe(globalId);
  });

  it("filters by service, region, status and time", async () => {
    expect(await ids("?service=discord")).toEqual([oldId]);
    expect(await ids("?region=global")).toEqual([globalId, oldId]);
    expect(await ids("?region=gb")).toEqual([regionalId]);
    expect(await ids("?status=resolved")).toEqual([oldId]);
    expect(await ids("?source=report")).toEqual([regionalId]);
    expect(await ids("?from=2025-04-01T00:00:00Z")).toEqual([regionalId, globalId]);
    expect(await ids("?to=2025-04-01T00:00:00Z")).toEqual([oldId]);
    expect(await ids("?limit=1")).toEqual([regionalId]);
  });

  it("explains an incident by the problem types and regions of its signals", async () => {
    const signal = (problem: string, region: string, minute: number) => ({
      id: randomUUID(),
      service: "spotify",
      region,
      source: "report" as const,
      at: Date.parse("2025-04-16T12:00:00Z") + minute * 60_000,
      problem,
      reporter: randomUUID().slice(0, 22),
    });
    const signals = [
      ...Array.from({ length: 4 }, (_, n) => signal("playback", "GB", n + 2)),
      ...Array.from({ length: 2 }, (_, n) => signal("playback", "US", n + 2)),
      ...Array.from({ length: 3 }, (_, n) => signal("login", "GB", n + 5)),
      signal("app", "US", 9),
      // Before the incident: not part of it.
      { ...signal("website", "GB", -30) },
    ];
    await applySignalBatch(api.database.db, { id: randomUUID(), signals });

    const global = await body(fetch(`${api.url}/v1/incidents/${globalId}`));
    expect(global.explanation.problems).toEqual([
      { problem: "playback", count: 6, share: 0.6 },
      { problem: "login", count: 3, share: 0.3 },
      { problem: "app", count: 1, share: 0.1 },
    ]);
    expect(global.explanation.regions).toEqual([
      { region: "GB", count: 7, share: 0.7 },
      { region: "US", count: 3, share: 0.3 },
    ]);
    const regional = await body(fetch(`${api.url}/v1/incidents/${regionalId}`));
    expect(regional.explanation.problems.map((entry: { problem: string }) => entry.problem)).toEqual([
      "playback",
      "login",
    ]);
    expect(regional.explanation.regions).toEqual([]);
  });

  it("gives a service's status from its global series, with its open incident", async () => {
    const unknown = await body(fetch(`${api.url}/v1/services/discord`));
    expect(unknown).toMatchObject({
      service: { slug: "discord" },
      status: "unknown",
      score: null,
      openIncident: null,
    });
    await saveDetectorStates(api.database.db, [
      {
        service: "spotify",
        region: GLOBAL_REGION,
        source: "all",
        lastBucket: Date.parse("2025-04-16T13:30:00Z"),
        state: {},
        status: "problems",
        score: 1,
      },
    ]);
    const spotify = await body(fetch(`${api.url}/v1/services/spotify`));
    expect(spotify).toMatchObject({ status: "problems", score: 1, statusAt: "2025-04-16T13:30:00.000Z" });
    expect(spotify.openIncident.id).toBe(globalId);
    expect(spotify.service.problems.length).toBeGreaterThan(0);
    expect((await fetch(`${api.url}/v1/services/nosuch`)).status).toBe(404);
  });

  it("serves one incident, and 404 for an unknown id", async () => {
    expect((await body(fetch(`${api.url}/v1/incidents/${oldId}`))).resolvedAt).toBe(
      "2025-03-01T11:00:00.000Z",
    );
    const missing = await fetch(`${api.url}/v1/incidents/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect((await body(missing)).error.code).toBe("not_found");
  });

  it.each([
    ["/v1/incidents/not-a-uuid", "id"],
    ["/v1/incidents?status=maybe", "status"],
    ["/v1/incidents?region=XX", "region"],
    ["/v1/incidents?limit=0", "limit"],
    ["/v1/incidents?from=soon", "from"],
  ])("%s answers 400 naming %s", async (path, field) => {
    const response = await fetch(`${api.url}${path}`);
    expect(response.status).toBe(400);
    expect((await body(response)).error.field).toBe(field);
  });
});
