import { request } from "node:http";
import { applySignalBatch } from "@outcry/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";

describe("the response cache of public queries", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ env: { RESPONSE_CACHE_MS: "400" } });
  });
  afterAll(() => api.close());

  const count = async (url: string) => {
    const response = await fetch(url);
    const series = (await response.json()) as { points: Array<{ count: number }> };
    return {
      cache: response.headers.get("x-cache"),
      total: series.points.reduce((sum, p) => sum + p.count, 0),
    };
  };
  const addReport = (at: number) =>
    applySignalBatch(api.database.db, {
      id: crypto.randomUUID(),
      signals: [
        { id: crypto.randomUUID(), service: "steam", region: "DE", source: "report", at, problem: "login" },
      ],
    });

  it("answers identical queries from one computation, for at most its time to live", async () => {
    const url = `${api.url}/v1/services/steam/series?step=1h`;
    await addReport(Date.now() - 60_000);
    expect(await count(url)).toEqual({ cache: "miss", total: 1 });
    await addReport(Date.now() - 60_000);
    // Within the window: the same answer, marked as a hit.
    expect(await count(url)).toEqual({ cache: "hit", total: 1 });
    // Another query is its own entry.
    expect((await count(`${url}&source=report`)).total).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await count(url)).toEqual({ cache: "miss", total: 2 });
  });

  it("computes once for a burst of identical requests", async () => {
    const url = `${api.url}/v1/services/steam/series?step=1m&region=DE`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(url)));
    const misses = answers.filter((response) => response.headers.get("x-cache") !== "hit");
    expect(misses).toHaveLength(1);
    expect(new Set(await Promise.all(answers.map((response) => response.text()))).size).toBe(1);
  });

  it("serves the expired answer to everyone but the one request that recomputes it", async () => {
    const url = `${api.url}/v1/services/steam/series?step=1h&source=report&region=DE`;
    const before = await count(url);
    await new Promise((resolve) => setTimeout(resolve, 450));
    await addReport(Date.now() - 60_000);
    const answers = await Promise.all(Array.from({ length: 20 }, () => count(url)));
    // One request computed the new answer; the rest got the old one at once, or the new one.
    expect(answers.filter((answer) => answer.cache === "miss")).toEqual([
      { cache: "miss", total: before.total + 1 },
    ]);
    for (const answer of answers.filter((answer) => answer.cache !== "miss")) {
      expect([
        { cache: "stale", total: before.total },
        { cache: "hit", total: before.total + 1 },
      ]).toContainEqual(answer);
    }
    // Requests all sent at once arrive while it computes: most are answered without waiting.
    expect(answers.filter((answer) => answer.cache === "stale").length).toBeGreaterThanOrEqual(10);
    expect((await count(url)).total).toBe(before.total + 1);
  });

  it("serves the lists too, a list being the root of its tree", async () => {
    for (const path of [
      "/v1/services",
      "/v1/incidents",
      "/v1/services/steam",
      "/v1/incidents?service=steam",
    ]) {
      const first = await fetch(`${api.url}${path}`, { signal: AbortSignal.timeout(5_000) });
      expect(first.status).toBe(200);
      expect(first.headers.get("x-cache")).toBe("miss");
      const second = await fetch(`${api.url}${path}`, { signal: AbortSignal.timeout(5_000) });
      expect(second.headers.get("x-cache")).toBe("hit");
      expect(await second.text()).toBe(await first.text());
    }
  });

  it("sends answers gzipped to clients that take it, the same bytes once unpacked", async () => {
    // A day of minutes: about 1,440 points, well past the size worth compressing.
    const url = `${api.url}/v1/services/steam/series?step=1m&source=bluesky`;
    const plain = await fetch(url, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("vary")).toContain("Accept-Encoding");
    const plainText = await plain.text();
    expect(plainText.length).toBeGreaterThan(10_000);
    // fetch asks for gzip and unpacks it; the raw size shows what went over the wire.
    const packed = await fetch(url, { headers: { "accept-encoding": "gzip" } });
    expect(packed.headers.get("content-encoding")).toBe("gzip");
    expect(packed.headers.get("x-cache")).toBe("hit");
    expect(await packed.text()).toBe(plainText);
    const wire = await new Promise<number>((resolve, reject) => {
      request(url, { headers: { "accept-encoding": "gzip" } }, (response) => {
        let bytes = 0;
        response.on("data", (chunk: Buffer) => (bytes += chunk.length));
        response.on("end", () => resolve(bytes));
      })
        .on("error", reject)
        .end();
    });
    expect(wire).toBeLessThan(plainText.length / 4);
    // A small answer is not worth it.
    const problems = `${api.url}/v1/services/steam/problems`;
    expect((await (await fetch(problems)).text()).length).toBeLessThan(1_024);
    const small = await fetch(problems, { headers: { "accept-encoding": "gzip" } });
    expect(small.status).toBe(200);
    expect(small.headers.get("content-encoding")).toBeNull();
  });

  it("keeps no error answers", async () => {
    const missing = `${api.url}/v1/services/nope/series`;
    expect((await fetch(missing)).status).toBe(404);
    const again = await fetch(missing);
    expect(again.status).toBe(404);
    expect(again.headers.get("x-cache")).toBeNull();
  });
});
