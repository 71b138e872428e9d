import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./api-harness.ts";

// A client that sends its headers and part of its body, then nothing: the api's request timeout
// (10 s) must cut it off, and on time, while everyone else is served meanwhile.
describe("a client that never finishes its body", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it("is cut off about 10 s in, and does not hold up others", async () => {
    const { hostname, port } = new URL(api.url);
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    const answer: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => answer.push(chunk));
    const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now() - started)));
    socket.write(
      "POST /v1/reports HTTP/1.1\r\nHost: outcry\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n" +
        '{"service":"spotify"',
    );
    // Meanwhile, others are answered at once.
    const other = await fetch(`${api.url}/healthz`);
    expect(other.status).toBe(200);
    const after = await closed;
    expect(after).toBeGreaterThanOrEqual(9_500);
    // Node checks timeouts once a second here, not every 30 s.
    expect(after).toBeLessThan(13_000);
    expect(Buffer.concat(answer).toString()).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);
});
