import { body, freePort } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";

// Dependencies that are down: nothing listens on these ports.
describe("when Redis is down", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ redisUrl: `redis://127.0.0.1:${await freePort()}` });
  });
  afterAll(() => api.close());

  it("answers a report with 503 and Retry-After at once, never hanging", async () => {
    const started = Date.now();
    const response = await api.post({ service: "spotify", problem: "login", region: "GB" });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect((await body(response)).error.code).toBe("unavailable");
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("says it is not ready, naming Redis", async () => {
    const response = await fetch(`${api.url}/readyz`);
    expect(response.status).toBe(503);
    expect((await body(response)).checks).toEqual({ postgres: "ok", redis: "down" });
  });
});

describe("when Postgres is down", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ databaseUrl: `postgres://postgres@127.0.0.1:${await freePort()}/outcry` });
  });
  afterAll(() => api.close());

  it("answers a series query with 503 and Retry-After", async () => {
    const response = await fetch(`${api.url}/v1/services/spotify/series`);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect((await body(response)).error.code).toBe("unavailable");
  });

  it("still accepts reports: intake needs only Redis", async () => {
    const response = await api.post({ service: "spotify", problem: "login", region: "GB" });
    expect(response.status).toBe(202);
  });

  it("says it is not ready, naming Postgres", async () => {
    const response = await fetch(`${api.url}/readyz`);
    expect(response.status).toBe(503);
    expect((await body(response)).checks).toEqual({ postgres: "down", redis: "ok" });
  });
});
