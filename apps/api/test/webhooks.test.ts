import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Aggregator, startAggregator } from "@outcry/aggregator";
import { loadConfig, verifyWebhook } from "@outcry/core";
import { pruneWebhookDeliveries, WEBHOOK_DELIVERY_RETENTION_MS } from "@outcry/db";
import { appendLiveEvent, createProducerRedis, redisReady } from "@outcry/queue";
import { body, TEST_REDIS_URL, waitFor } from "@outcry/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}

/** A subscriber's endpoint: records every request and answers with the next planned status. */
async function startReceiver() {
  const received: Received[] = [];
  const planned: number[] = [];
  const server: Server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    request.on("end", () => {
      received.push({ headers: request.headers, body: text });
      response.writeHead(planned.shift() ?? 200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/outcry`;
  return { url, received, planned, close: () => new Promise((resolve) => server.close(resolve)) };
}

const incident = (service: string, region = "*", type = "incident.opened") => ({
  type,
  service,
  region,
  incidentId: crypto.randomUUID(),
  at: Date.now(),
  count: 120,
  expected: 10,
  score: 0.99,
});

describe("webhooks", () => {
  let api: TestApi;
  let aggregator: Aggregator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let key: string;
  const redis = createProducerRedis(TEST_REDIS_URL);

  beforeAll(async () => {
    api = await startTestApi();
    receiver = await startReceiver();
    key = await api.adminKey(["webhooks:write"]);
    await redisReady(redis);
    aggregator = await startAggregator({
      config: loadConfig({ QUEUE_PREFIX: api.prefix, LOG_LEVEL: "silent" }),
      database: api.database,
      redisUrl: TEST_REDIS_URL,
      logger: pino({ level: "silent" }),
      detection: false,
      webhookBackoffMs: 200,
    });
  });
  afterAll(async () => {
    await aggregator.close();
    await receiver.close();
    redis.disconnect();
    await api.close();
  });

  const send = (method: string, path: string, payload?: unknown, auth = key) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${auth}` },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });

  let webhookId: string;
  let secret: string;

  it("subscribes a URL with filters and shows the secret once", async () => {
    const created = await send("POST", "/v1/webhooks", {
      url: receiver.url,
      services: ["spotify"],
      regions: ["*", "GB"],
      description: "newsroom alerts",
    });
    expect(created.status).toBe(201);
    const answer = await body(created);
    expect(answer.secret).toMatch(/^whsec_/);
    expect(answer.webhook).toMatchObject({ url: receiver.url, minStatus: "problems", services: ["spotify"] });
    webhookId = answer.webhook.id;
    secret = answer.secret;
    const listed = await body(send("GET", "/v1/webhooks"));
    expect(listed.webhooks.map((webhook: { id: string }) => webhook.id)).toEqual([webhookId]);
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it("refuses bad subscriptions, naming the field, and without the scope", async () => {
    const cases: Array<[unknown, string]> = [
      [{ url: "ftp://example.org/x" }, "url"],
      [{ url: receiver.url, services: ["no-such-service"] }, "services.0"],
      [{ url: receiver.url, regions: ["Narnia"] }, "regions.0"],
      [{ url: receiver.url, minStatus: "meh" }, "minStatus"],
    ];
    for (const [payload, field] of cases) {
      const response = await send("POST", "/v1/webhooks", payload);
      expect(response.status).toBe(400);
      expect((await body(response)).error.field).toBe(field);
    }
    const catalogOnly = await api.adminKey(["catalog:write"]);
    expect((await send("POST", "/v1/webhooks", { url: receiver.url }, catalogOnly)).status).toBe(403);
    expect((await body(send("GET", "/v1/webhooks"))).webhooks).toHaveLength(1);
  });

  it("delivers a matching incident once, signed, and skips what the filters exclude", async () => {
    const wanted = incident("spotify");
    await appendLiveEvent(redis, api.prefix, incident("netflix"));
    await appendLiveEvent(redis, api.prefix, incident("spotify", "US"));
    await appendLiveEvent(redis, api.prefix, { type: "counts", minute: Date.now(), services: [] });
    const eventId = await appendLiveEvent(redis, api.prefix, wanted);
    await waitFor(() => receiver.received.length >= 1 || undefined, {
      timeoutMs: 10_000,
      what: "a delivery",
    });
    // Give a wrong extra delivery time to show up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    const payload = JSON.parse(delivery?.body ?? "{}");
    expect(payload).toMatchObject({
      id: eventId,
      type: "incident.opened",
      data: { service: "spotify", region: "*", incidentId: wanted.incidentId },
    });
    expect(delivery?.headers["outcry-event-id"]).toBe(eventId);
    const signature = delivery?.headers["outcry-signature"] as string;
    expect(verifyWebhook(secret, signature, delivery?.body ?? "", Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifyWebhook("whsec_wrong", signature, delivery?.body ?? "", Math.floor(Date.now() / 1000))).toBe(
      false,
    );
  });

  it("retries a failing receiver with backoff and logs every attempt", async () => {
    receiver.received.length = 0;
    receiver.planned.push(500, 503);
    const eventId = await appendLiveEvent(redis, api.prefix, incident("spotify", "GB", "incident.resolved"));
    await waitFor(() => receiver.received.length >= 3 || undefined, {
      timeoutMs: 15_000,
      what: "three attempts",
    });
    const attempts = receiver.received.map((request) => request.headers["outcry-delivery-attempt"]);
    expect(attempts).toEqual(["1", "2", "3"]);
    // The same body each time: the receiver can dedupe on its id.
    expect(new Set(receiver.received.map((request) => request.body)).size).toBe(1);
    const log = await waitFor(
      async () => {
        const { deliveries } = await body(send("GET", `/v1/webhooks/${webhookId}/deliveries`));
        const forEvent = deliveries.filter((entry: { eventId: string }) => entry.eventId === eventId);
        return forEvent.length === 3 ? forEvent : undefined;
      },
      { timeoutMs: 5_000, what: "the delivery log" },
    );
    expect(log.map((entry: { statusCode: number }) => entry.statusCode)).toEqual([200, 503, 500]);
    expect(log[1]).toMatchObject({
      attempt: 2,
      error: "receiver answered 503",
      eventType: "incident.resolved",
    });
  });

  it("forgets delivery attempts after the retention, not before", async () => {
    const logged = async () =>
      (await body(send("GET", `/v1/webhooks/${webhookId}/deliveries?limit=200`))).deliveries.length;
    expect(await logged()).toBeGreaterThan(0);
    expect(await pruneWebhookDeliveries(api.database.db)).toBe(0);
    const later = Date.now() + WEBHOOK_DELIVERY_RETENTION_MS + 60_000;
    expect(await pruneWebhookDeliveries(api.database.db, later)).toBeGreaterThan(0);
    expect(await logged()).toBe(0);
  });

  it("pings through the queue, and delivers nothing once unsubscribed", async () => {
    receiver.received.length = 0;
    const ping = await send("POST", `/v1/webhooks/${webhookId}/ping`);
    expect(ping.status).toBe(202);
    await waitFor(() => receiver.received.length >= 1 || undefined, { timeoutMs: 10_000, what: "the ping" });
    expect(JSON.parse(receiver.received[0]?.body ?? "{}").type).toBe("ping");

    expect((await send("DELETE", `/v1/webhooks/${webhookId}`)).status).toBe(204);
    expect((await send("DELETE", `/v1/webhooks/${webhookId}`)).status).toBe(404);
    receiver.received.length = 0;
    await appendLiveEvent(redis, api.prefix, incident("spotify"));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receiver.received).toHaveLength(0);
  });
});
