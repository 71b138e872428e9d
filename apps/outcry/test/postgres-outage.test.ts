import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  body,
  createTestDatabase,
  deleteRedisPrefix,
  TcpProxy,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
  waitFor,
} from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutcryProcess } from "../chaos/outcry-process.ts";

// Postgres goes away (the network to it is cut) while reports keep coming: intake goes on, since
// it needs only Redis; queries answer 503; when Postgres is back, the aggregator catches up alone.
describe("a Postgres outage", () => {
  let testDatabase: TestDatabase;
  let proxy: TcpProxy;
  let dataDir: string;
  const prefix = uniquePrefix("pg-outage");
  let api: OutcryProcess;
  let aggregator: OutcryProcess;

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    const target = new URL(testDatabase.url);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port) });
    dataDir = mkdtempSync(join(tmpdir(), "outcry-pg-outage-"));
    const env = {
      DATABASE_URL: proxy.url(testDatabase.url),
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      DATA_DIR: dataDir,
      TRUST_PROXY: "1",
      REPORTER_KEY_SECRET: "postgres-outage-test-secret",
    };
    api = await OutcryProcess.start("api", env);
    aggregator = await OutcryProcess.start("aggregator", env);
  });

  afterAll(async () => {
    await api?.stop("SIGKILL");
    await aggregator?.stop("SIGKILL");
    await proxy?.cut();
    await testDatabase?.drop();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const report = (n: number) =>
    fetch(`${api.apiUrl}/v1/reports`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": `192.0.2.${n}` },
      body: JSON.stringify({ service: "steam", problem: "login", region: "DE" }),
    });
  const total = async () => {
    const series = await body(fetch(`${api.apiUrl}/v1/services/steam/series?step=1h`));
    return series.points.reduce((sum: number, point: { count: number }) => sum + point.count, 0);
  };

  it("keeps accepting reports, answers queries with 503, and catches up when it is back", async () => {
    await proxy.cut();
    for (let n = 1; n <= 30; n++) expect((await report(n)).status).toBe(202);

    const asked = Date.now();
    const series = await fetch(`${api.apiUrl}/v1/services/steam/series`);
    expect(series.status).toBe(503);
    expect(Date.now() - asked).toBeLessThan(3_000);
    expect(series.headers.get("retry-after")).toBe("5");
    const ready = await fetch(`${api.apiUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect((await body(ready)).checks).toEqual({ postgres: "down", redis: "ok" });

    await proxy.restore();
    // Within seconds, not after the driver's default reconnect backoff of up to 20 s.
    await waitFor(async () => (await total()) === 30, {
      timeoutMs: 8_000,
      what: "the backlog to be counted",
    });
    expect((await fetch(`${api.apiUrl}/readyz`)).status).toBe(200);
  });
});
