import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
} from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutcryProcess } from "../chaos/outcry-process.ts";

// What Kubernetes and Prometheus ask of a role that runs no api (infra/k8s probes /healthz and
// /readyz on PORT; Grafana's queue panels read the aggregator's /metrics).
describe("outcry --role aggregator on its own port", () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let aggregator: OutcryProcess;
  const prefix = uniquePrefix("role-probes");
  const url = (path: string) => (aggregator.metricsUrl as string).replace("/metrics", path);

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "outcry-role-probes-"));
    aggregator = await OutcryProcess.start("aggregator", {
      DATABASE_URL: testDatabase.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      DATA_DIR: dataDir,
    });
  });

  afterAll(async () => {
    await aggregator?.stop();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    await testDatabase?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("is live, and ready once Postgres and Redis answer", async () => {
    expect((await fetch(url("/healthz"))).status).toBe(200);
    const ready = await fetch(url("/readyz"));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { postgres: "ok", redis: "ok" } });
  });

  it("serves the queue depth and lag and the open incidents on /metrics", async () => {
    const metrics = await (await fetch(aggregator.metricsUrl as string)).text();
    expect(metrics).toMatch(/^outcry_queue_jobs\{queue="signals-0",state="wait"\} 0$/m);
    expect(metrics).toMatch(/^outcry_queue_oldest_waiting_seconds\{queue="signals-0"\} 0$/m);
    expect(metrics).toMatch(/^outcry_open_incidents 0$/m);
  });
});
