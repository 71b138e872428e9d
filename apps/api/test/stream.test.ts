import { appendLiveEvent, createProducerRedis, redisReady } from "@outcry/queue";
import { body, openEventStream as openStream, TEST_REDIS_URL, waitFor } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";

describe("the live stream", () => {
  let api: TestApi;
  const redis = createProducerRedis(TEST_REDIS_URL);
  const incident = (service: string, type = "incident.opened") => ({
    type,
    service,
    region: "*",
    incidentId: crypto.randomUUID(),
    at: Date.now(),
    count: 120,
    expected: 10,
    score: 0.99,
  });

  beforeAll(async () => {
    api = await startTestApi();
    await redisReady(redis);
  });
  afterAll(async () => {
    await api.close();
    redis.disconnect();
  });

  it("pushes every event, with its id, to every client connected", async () => {
    const first = await openStream(`${api.url}/v1/stream`);
    const second = await openStream(`${api.url}/v1/stream`);
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const id = await appendLiveEvent(redis, api.prefix, incident("spotify"));
    await waitFor(() => first.events.length === 1 && second.events.length === 1, {
      what: "the event on both",
    });
    expect(first.events[0]).toMatchObject({ id, event: "incident.opened", data: { service: "spotify" } });
    expect(second.events[0]?.id).toBe(id);
    first.close();
    second.close();
  });

  it("filters by service, counts events included", async () => {
    const client = await openStream(`${api.url}/v1/stream?service=discord`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await appendLiveEvent(redis, api.prefix, incident("spotify"));
    await appendLiveEvent(redis, api.prefix, {
      type: "counts",
      minute: Date.now(),
      services: [
        { service: "spotify", count: 3, expected: 2, upper: 6, status: "ok" },
        { service: "discord", count: 90, expected: 4, upper: 9, status: "problems" },
      ],
    });
    await appendLiveEvent(redis, api.prefix, incident("discord"));
    await waitFor(() => client.events.length === 2, { what: "discord's two events" });
    expect(client.events.map((event) => event.event)).toEqual(["counts", "incident.opened"]);
    expect(client.events[0]?.data.services).toEqual([
      { service: "discord", count: 90, expected: 4, upper: 9, status: "problems" },
    ]);
    client.close();
  });

  it("replays what a client missed from its Last-Event-ID, then goes on live, without repeats", async () => {
    const seen = await appendLiveEvent(redis, api.prefix, incident("netflix"));
    const missed = [
      await appendLiveEvent(redis, api.prefix, incident("netflix", "incident.updated")),
      await appendLiveEvent(redis, api.prefix, incident("netflix", "incident.resolved")),
    ];
    const client = await openStream(`${api.url}/v1/stream?service=netflix`, { "last-event-id": seen });
    await waitFor(() => client.events.length === 2, { what: "the replay" });
    expect(client.events.map((event) => event.id)).toEqual(missed);
    const live = await appendLiveEvent(redis, api.prefix, incident("netflix"));
    await waitFor(() => client.events.length === 3, { what: "the live event after the replay" });
    expect(client.events.map((event) => event.id)).toEqual([...missed, live]);
    client.close();
  });

  it("refuses a malformed Last-Event-ID and an unknown service with the JSON error shape", async () => {
    const bad = await fetch(`${api.url}/v1/stream`, { headers: { "last-event-id": "yesterday" } });
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.field).toBe("last-event-id");
    const unknown = await fetch(`${api.url}/v1/stream?service=no-such-service`);
    expect(unknown.status).toBe(404);
  });
});
