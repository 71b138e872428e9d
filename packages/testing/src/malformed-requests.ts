import fc from "fast-check";

/*
 * Malformed requests to every public route, generated: broken and wrongly typed JSON, huge and
 * deeply nested bodies, odd Unicode and control characters, invalid regions, times and sizes,
 * header abuse. Shared by the api's property test and the chaos suite, which sends them under load.
 */

/** One request: a GET with a malformed path or query, or a report POST that must be refused. */
export interface MalformedRequest {
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

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
const publicGet: fc.Arbitrary<MalformedRequest> = fc
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
    method: "GET" as const,
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

const reportPost: fc.Arbitrary<MalformedRequest> = fc
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
    method: "POST" as const,
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

/** Every kind of malformed request; a POST among them is never a valid report. */
export const malformedRequest: fc.Arbitrary<MalformedRequest> = fc.oneof(publicGet, reportPost);
