import { malformedRequest } from "@outcry/testing/malformed-requests";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queuedSignals, startTestApi, type TestApi } from "./api-harness.ts";

/*
 * Ten thousand generated malformed requests to every public route: broken and wrongly typed JSON,
 * huge and deeply nested bodies, odd Unicode and control characters, invalid regions, times and
 * sizes, header abuse. None may get a 5xx, none may be stored or counted, and the api must still
 * serve a good report afterwards. fast-check shrinks any failure to a small reproducible request.
 */

const RUNS = 10_000;

describe("malformed requests to every public route", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ env: { TRUST_PROXY: "1", RATE_LIMIT_PER_MINUTE: "1000000" } });
  });
  afterAll(() => api.close());

  it(`answers ${RUNS.toLocaleString("en")} of them with a 4xx, never a 5xx, and stores nothing`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(malformedRequest, async (request) => {
        const response = await fetch(`${api.url}${request.path}`, {
          method: request.method,
          ...(request.method === "POST" ? { body: request.body, headers: request.headers } : {}),
        });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${request.method} ${request.path.slice(0, 200)}`).toBeLessThan(500);
        if (request.method === "POST") expect(response.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: RUNS },
    );
    // A GET may be valid by chance (a query key it ignores); no POST was, and nothing was queued.
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    expect(await queuedSignals(api)).toEqual([]);

    // Still healthy: a good report is taken at once.
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const good = await api.post(
      { service: "spotify", problem: "login", region: "GB" },
      { "x-forwarded-for": "10.1.2.3" },
    );
    expect(good.status).toBe(202);
  }, 240_000);
});
