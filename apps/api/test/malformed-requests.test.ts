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

/** Strings a careless or hostile client sends: control characters, lone surrogates, huge, empty. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code)) }),
  fc.constantFrom("\uD800", "\uDFFF", "\u202E", "\uFEFF", "%", "%00", "%zz", "../../etc/passwd", "<script>"),
  fc.constantFrom("2025-13-45T25:61:00Z", "-1", "1e309", "NaN", "99999999999999999999", "0x10", " "),
  fc.integer({ min: 5_000, max: 70_000 }).map((length) => "x".repeat(length)),
);

/** A query string of random keys (the routes' own among them) with nasty values. */
const query = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom("from", "to", "step", "region", "source", "format", "range", "theme", "width"),
        fc.constantFrom("height", "limit", "before", "q", "category", "status", "service", "page"),
        fc.string(),
      ),
      nasty,
    ),
    { maxLength: 4 },
  )
  .map((pairs) => new URLSearchParams(pairs).toString());

const slug = fc.oneof(fc.constantFrom("spotify", "discord", "nope", ""), nasty);

/** Public GETs, each with a malformed path segment or query. */
const publicGet = fc
  .tuple(
    fc.constantFrom(
      "/v1/services",
      "/v1/services/{slug}",
      "/v1/services/{slug}/series",
      "/v1/services/{slug}/chart.svg",
      "/v1/services/{slug}/problems",
      "/v1/services/{slug}/regions",
      "/v1/services/{slug}/posts",
      "/v1/incidents",
      "/v1/incidents/{slug}",
      "/v1/stats/acknowledgement",
    ),
    slug,
    query,
  )
  .map(([path, segment, search]) => ({
    method: "GET",
    path: `${path.replace("{slug}", encodeURIComponent(segment.toWellFormed()))}?${search}`,
  }));

/** Report bodies that must never be accepted: wrong types, broken JSON, nesting, size, encoding. */
const badReportBody = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .record(
      { service: fc.oneof(fc.constant("spotify"), nasty, fc.jsonValue()), problem: fc.jsonValue() },
      { requiredKeys: [] },
    )
    .chain((fields) =>
      fc
        .record({ region: fc.oneof(nasty, fc.jsonValue()), city: fc.jsonValue(), comment: fc.jsonValue() })
        .map((rest) => JSON.stringify({ ...fields, ...rest })),
    ),
  fc.string().map((text) => `{"service": "spotify", "problem": ${text}`),
  fc.integer({ min: 100, max: 5_000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
  fc.integer({ min: 100, max: 2_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
  fc
    .integer({ min: 4_097, max: 200_000 })
    .map((size) => JSON.stringify({ service: "spotify", pad: "x".repeat(size) })),
  nasty,
);

const reportPost = fc
  .record({
    body: badReportBody,
    contentType: fc.constantFrom(
      "application/json",
      "application/json; charset=utf-16",
      "text/plain",
      "application/x-www-form-urlencoded",
      "",
    ),
    forwardedFor: fc.oneof(fc.constant(undefined), nasty, fc.ipV4(), fc.ipV6()),
  })
  .map(({ body, contentType, forwardedFor }) => ({
    method: "POST",
    path: "/v1/reports",
    body,
    headers: {
      ...(contentType ? { "content-type": contentType } : {}),
      // Header values must be ASCII without control characters, or fetch refuses to send them.
      ...(forwardedFor === undefined
        ? {}
        : { "x-forwarded-for": forwardedFor.replace(/[^\x20-\x7e]/g, "?") }),
    },
  }));

describe("malformed requests to every public route", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ env: { TRUST_PROXY: "1", RATE_LIMIT_PER_MINUTE: "1000000" } });
  });
  afterAll(() => api.close());

  it(`answers ${RUNS.toLocaleString("en")} of them with a 4xx, never a 5xx, and stores nothing`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(publicGet, reportPost), async (request) => {
        const response = await fetch(`${api.url}${request.path}`, {
          method: request.method,
          ...("body" in request ? { body: request.body, headers: request.headers } : {}),
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
