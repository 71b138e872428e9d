import { randomUUID } from "node:crypto";
import {
  GLOBAL_REGION,
  insertIncident,
  type NewOfficialChange,
  recordOfficialReading,
  saveDetectorStates,
} from "@outcry/db";
import { SeriesDetector } from "@outcry/detection";
import { body } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";

// GitHub's seed entry names its Statuspage; its changes are stored as the poller stores them.
const PAGE = "https://www.githubstatus.com";
const MINUTE = 60_000;

describe("the official word beside the crowd's", () => {
  let api: TestApi;
  // Three days ago, to the minute: inside the stats' default period.
  const onset = Math.floor((Date.now() - 3 * 24 * 3_600_000) / MINUTE) * MINUTE;
  const acknowledgedIncident = randomUUID();
  const silentIncident = randomUUID();

  const incident = (id: string, startedAt: number, resolvedAt: number | null) =>
    insertIncident(api.database.db, {
      id,
      service: "github",
      region: GLOBAL_REGION,
      source: "all",
      status: resolvedAt === null ? "open" : "resolved",
      startedAt: new Date(startedAt),
      detectedAt: new Date(startedAt + 2 * MINUTE),
      resolvedAt: resolvedAt === null ? null : new Date(resolvedAt),
      peakAt: new Date(startedAt + 10 * MINUTE),
      peakCount: 300,
      peakExpected: 20,
      peakScore: 1,
      globalIncidentId: null,
    });
  const reading = (changes: NewOfficialChange[], at: number) =>
    recordOfficialReading(api.database.db, {
      key: PAGE,
      kind: "statuspage",
      validators: {},
      state: { page: "github" },
      changes,
      at,
    });

  beforeAll(async () => {
    api = await startTestApi();
    // The provider opened an incident 25 minutes after the crowd, and resolved it 90 minutes in.
    await incident(acknowledgedIncident, onset, onset + 80 * MINUTE);
    await reading(
      [
        {
          naturalKey: "incident:gh1:created",
          kind: "incident-created",
          at: onset + 25 * MINUTE,
          incidentId: "gh1",
          status: "investigating",
          title: "Degraded performance for Git operations",
        },
        {
          naturalKey: "incident:gh1:resolved",
          kind: "incident-resolved",
          at: onset + 90 * MINUTE,
          incidentId: "gh1",
          status: "resolved",
        },
      ],
      onset + 91 * MINUTE,
    );
  });
  afterAll(() => api.close());

  it("gives an incident its acknowledgement and resolution lags", async () => {
    const detail = await body(fetch(`${api.url}/v1/incidents/${acknowledgedIncident}`));
    expect(detail.official).toMatchObject({
      acknowledgedAt: new Date(onset + 25 * MINUTE).toISOString(),
      acknowledgedBy: {
        kind: "incident",
        ref: "gh1",
        title: "Degraded performance for Git operations",
        source: PAGE,
      },
      acknowledgementLagMinutes: 25,
      resolvedOfficially: new Date(onset + 90 * MINUTE).toISOString(),
      resolutionLagMinutes: 90,
      unacknowledged: null,
    });
  });

  it("flags an open incident the provider has not acknowledged, with the minutes so far", async () => {
    const startedAt = Date.now() - 17 * MINUTE;
    await incident(silentIncident, startedAt, null);
    // The service's status, as the detector saves it with the incident.
    await saveDetectorStates(api.database.db, [
      {
        service: "github",
        region: GLOBAL_REGION,
        source: "all",
        lastBucket: Date.now() - MINUTE,
        state: new SeriesDetector({ bucketMs: MINUTE }).snapshot(),
        status: "problems",
        score: 0.99,
      },
    ]);
    const detail = await body(fetch(`${api.url}/v1/incidents/${silentIncident}`));
    expect(detail.official).toMatchObject({ acknowledgedAt: null, acknowledgementLagMinutes: null });
    expect(detail.official.unacknowledged.minutes).toBe(17);
    const service = await body(fetch(`${api.url}/v1/services/github`));
    expect(service.status).toBe("problems");
    expect(service.official).toMatchObject({
      allIsWell: true,
      open: [],
      sources: [{ kind: "statuspage", url: PAGE, stale: false, lastError: null }],
    });
    expect(service.official.unacknowledged.minutes).toBe(17);
  });

  it("shows what the provider says is wrong now, and then the incident is acknowledged", async () => {
    await reading(
      [
        {
          naturalKey: "incident:gh2:created",
          kind: "incident-created",
          at: Date.now() - 2 * MINUTE,
          incidentId: "gh2",
          status: "investigating",
          title: "Actions delayed",
        },
      ],
      Date.now(),
    );
    const service = await body(fetch(`${api.url}/v1/services/github`));
    expect(service.official.allIsWell).toBe(false);
    expect(service.official.open.map((episode: { ref: string }) => episode.ref)).toEqual(["gh2"]);
    expect(service.official.unacknowledged).toBeNull();
    const detail = await body(fetch(`${api.url}/v1/incidents/${silentIncident}`));
    expect(detail.official.acknowledgementLagMinutes).toBe(15);
  });

  it("says null where the catalog names no official source", async () => {
    const spotify = await body(fetch(`${api.url}/v1/services/spotify`));
    expect(spotify.official).toBeNull();
  });

  it("tabulates how quickly each provider acknowledged, in JSON and as CSV", async () => {
    const period = `from=${new Date(onset - 24 * 3_600_000).toISOString()}&to=${new Date().toISOString()}`;
    const stats = await body(fetch(`${api.url}/v1/stats/acknowledgement?${period}`));
    expect(stats.services).toEqual([
      {
        service: "github",
        name: "GitHub",
        incidents: 2,
        acknowledged: 2,
        providerFirst: 0,
        // 25 and 15 minutes: nearest rank.
        medianLagMinutes: 15,
        p90LagMinutes: 25,
        medianResolutionLagMinutes: 90,
      },
    ]);
    const csv = await fetch(`${api.url}/v1/stats/acknowledgement?${period}&format=csv`);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(await csv.text()).toBe(
      "service,name,incidents,acknowledged,provider_first,median_lag_minutes,p90_lag_minutes,median_resolution_lag_minutes\r\n" +
        "github,GitHub,2,2,0,15,25,90\r\n",
    );
    const recent = await body(
      fetch(`${api.url}/v1/stats/acknowledgement?from=${new Date(Date.now() - 3_600_000).toISOString()}`),
    );
    expect(recent.services.map((row: { incidents: number }) => row.incidents)).toEqual([1]);
    const bad = await fetch(
      `${api.url}/v1/stats/acknowledgement?from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:00Z`,
    );
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.field).toBe("from");
  });
});
