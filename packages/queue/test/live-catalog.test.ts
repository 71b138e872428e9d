import { loadSeedCatalog, type Service } from "@outcry/core";
import { deleteRedisPrefix, TEST_REDIS_URL, uniquePrefix, waitFor } from "@outcry/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createProducerRedis, LiveCatalog, redisReady } from "../src/index.ts";

describe("the live catalog", () => {
  const prefix = uniquePrefix("catalog");
  const publisher = createProducerRedis(TEST_REDIS_URL);
  // Stands in for the services table: what every process would read from Postgres.
  let stored: Service[] = loadSeedCatalog().slice(0, 3);
  const started: LiveCatalog[] = [];
  const start = async () => {
    const live = await LiveCatalog.start({
      load: async () => structuredClone(stored),
      redisUrl: TEST_REDIS_URL,
      publisher,
      prefix,
      onError: (error) => {
        throw error;
      },
    });
    started.push(live);
    return live;
  };
  afterAll(async () => {
    for (const live of started) live.close();
    publisher.disconnect();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  it("reaches another process within a second of a change", async () => {
    await redisReady(publisher);
    const api = await start();
    const ingest = await start();
    const changes: number[] = [];
    const other = await LiveCatalog.start({
      load: async () => structuredClone(stored),
      redisUrl: TEST_REDIS_URL,
      publisher,
      prefix,
      onError: () => {},
      onChange: (catalog) => changes.push(catalog.size),
    });
    started.push(other);
    // Subscriptions are asynchronous; give them a moment before publishing.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const added = { ...(stored[0] as Service), slug: "brand-new", name: "Brand New", aliases: ["brand new"] };
    stored = [...stored, added];
    await api.changed();
    expect(api.current().get("brand-new")?.name).toBe("Brand New");
    await waitFor(() => ingest.current().get("brand-new"), {
      timeoutMs: 1_000,
      what: "the other process to reload",
    });
    await waitFor(() => changes.length === 1 || undefined, { timeoutMs: 1_000, what: "onChange" });
    expect(changes).toEqual([4]);

    // A reload that finds nothing new is not a change.
    await other.reload();
    expect(changes).toEqual([4]);
  });
});
