import { Counter, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { type MetricsServer, type ReadinessChecks, startMetricsServer } from "./metrics-server.ts";

describe("the metrics server of a role without the api", () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const start = async (checks: ReadinessChecks, registry = new Registry()) => {
    server = await startMetricsServer(registry, "127.0.0.1", 0, checks);
    return server.url;
  };

  it("serves the registry's metrics and answers /healthz", async () => {
    const registry = new Registry();
    new Counter({ name: "outcry_example_total", help: "example", registers: [registry] }).inc(3);
    const url = await start({}, registry);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain("outcry_example_total 3");
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
  });

  it("is ready when Postgres and Redis both answer", async () => {
    const url = await start({ postgres: async () => {}, redis: async () => {} });
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready", checks: { postgres: "ok", redis: "ok" } });
  });

  it("is not ready, with Retry-After, when a dependency fails or hangs past a second", async () => {
    const url = await start({
      postgres: () => Promise.reject(new Error("connection refused")),
      redis: () => new Promise(() => {}),
    });
    const started = Date.now();
    const response = await fetch(`${url}/readyz`);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toEqual({
      status: "unavailable",
      checks: { postgres: "down", redis: "down" },
    });
  });
});
