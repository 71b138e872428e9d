import { body } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queuedSignals, startTestApi, type TestApi } from "./api-harness.ts";

const report = { service: "spotify", problem: "login", region: "GB" };

describe("POST /v1/reports", () => {
  let api: TestApi;
  let address = 0;
  // TRUST_PROXY=1: each test speaks for a reporter of its own through X-Forwarded-For.
  const from = () => ({ "x-forwarded-for": `198.51.100.${++address}` });

  beforeAll(async () => {
    api = await startTestApi({ env: { TRUST_PROXY: "1", RATE_LIMIT_PER_MINUTE: "3" } });
  });
  afterAll(() => api.close());

  it("accepts a report with 202 only once its signal is stored in Redis", async () => {
    const response = await api.post(
      { ...report, subdivision: "GB-ENG", city: "Leeds", comment: "no sound" },
      from(),
    );
    expect(response.status).toBe(202);
    const accepted = await body(response);
    expect(accepted).toMatchObject({ service: "spotify", region: "GB", counted: true });
    const stored = (await queuedSignals(api)).find((signal) => signal.id === accepted.id);
    expect(stored).toMatchObject({
      service: "spotify",
      region: "GB",
      source: "report",
      problem: "login",
      subdivision: "GB-ENG",
      city: "Leeds",
      text: "no sound",
    });
    expect(stored?.reporter).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(stored)).not.toContain("198.51.100");
  });

  it("counts a repeat report of the same service within 15 minutes once, answering counted: false", async () => {
    const headers = from();
    const first = await await body(api.post(report, headers));
    const second = await api.post({ ...report, problem: "playback" }, headers);
    expect(second.status).toBe(202);
    const repeat = await body(second);
    expect(repeat.counted).toBe(false);
    const ids = (await queuedSignals(api)).map((signal) => signal.id);
    expect(ids).toContain(first.id);
    expect(ids).not.toContain(repeat.id);
    // Another service is another report.
    expect((await body(api.post({ ...report, service: "netflix", problem: "app" }, headers))).counted).toBe(
      true,
    );
  });

  it("refuses an address over the rate limit with 429 and Retry-After", async () => {
    const headers = from();
    for (const service of ["discord", "steam", "twitch"]) {
      const problem = service === "steam" ? "login" : "app";
      expect((await api.post({ service, problem, region: "US" }, headers)).status).toBe(202);
    }
    const refused = await api.post({ service: "reddit", problem: "app", region: "US" }, headers);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await body(refused)).error.code).toBe("rate_limited");
  });

  it("does not trust a forged X-Forwarded-For entry left of the proxy's", async () => {
    const proxySaw = from()["x-forwarded-for"];
    const first = await api.post(report, { "x-forwarded-for": `1.1.1.1, ${proxySaw}` });
    const second = await api.post(report, { "x-forwarded-for": `2.2.2.2, ${proxySaw}` });
    expect((await body(first)).counted).toBe(true);
    expect((await body(second)).counted).toBe(false);
  });

  describe("bad input gets a 4xx naming the field, and stores nothing", () => {
    const cases: Array<[string, () => Promise<Response>, number, string, string | undefined]> = [
      [
        "unknown service",
        () => api.post({ ...report, service: "nosuchservice" }, from()),
        422,
        "unknown_service",
        "service",
      ],
      [
        "problem type the service lacks",
        () => api.post({ ...report, problem: "cooking" }, from()),
        422,
        "unknown_problem",
        "problem",
      ],
      [
        "bad region code",
        () => api.post({ ...report, region: "XX" }, from()),
        400,
        "invalid_request",
        "region",
      ],
      [
        "missing region",
        () => api.post({ service: "spotify", problem: "login" }, from()),
        400,
        "invalid_request",
        "region",
      ],
      ["wrong type", () => api.post({ ...report, service: 42 }, from()), 400, "invalid_request", "service"],
      ["unknown field", () => api.post({ ...report, ip: "1.2.3.4" }, from()), 400, "invalid_request", "ip"],
      [
        "comment over 500 characters",
        () => api.post({ ...report, comment: "x".repeat(501) }, from()),
        400,
        "invalid_request",
        "comment",
      ],
      ["malformed JSON", () => api.post('{"service": "spot', from()), 400, "invalid_json", "body"],
      ["a JSON array", () => api.post([report], from()), 400, "invalid_request", "body"],
      ["JSON null", () => api.post("null", from()), 400, "invalid_request", "body"],
      [
        "body over 4 KiB",
        () => api.post({ ...report, city: "x".repeat(5000) }, from()),
        413,
        "payload_too_large",
        "body",
      ],
      [
        "wrong content type",
        () =>
          fetch(`${api.url}/v1/reports`, {
            method: "POST",
            headers: { "content-type": "text/plain", ...from() },
            body: JSON.stringify(report),
          }),
        415,
        "unsupported_media_type",
        "content-type",
      ],
    ];

    it.each(cases)("%s", async (_name, send, status, code, field) => {
      const before = (await queuedSignals(api)).length;
      const response = await send();
      expect(response.status).toBe(status);
      const { error } = await body(response);
      expect(error.code).toBe(code);
      if (field) expect(error.field).toBe(field);
      expect(error.message).toEqual(expect.any(String));
      expect(error.requestId).toEqual(expect.any(String));
      expect((await queuedSignals(api)).length).toBe(before);
    });

    it("refuses a chunked body over 4 KiB, which declares no length", async () => {
      const chunk = new TextEncoder().encode(" ".repeat(1024));
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 6; i++) controller.enqueue(chunk);
          controller.close();
        },
      });
      const response = await fetch(`${api.url}/v1/reports`, {
        method: "POST",
        headers: { "content-type": "application/json", ...from() },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(413);
      expect((await body(response)).error.code).toBe("payload_too_large");
    });

    it("leaves the reporter free to report properly afterwards", async () => {
      const headers = from();
      expect((await api.post({ ...report, problem: "cooking" }, headers)).status).toBe(422);
      expect((await body(api.post(report, headers))).counted).toBe(true);
    });
  });
});
