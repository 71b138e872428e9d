// The baselines: bare Hono handlers on @hono/node-server with no validation, Redis or Postgres.
// POST /v1/reports parses the same JSON body and answers 202 (the intake benchmark's bar);
// GET /v1/services/:slug/series answers a series of `points` zero points built once, the same
// shape and size as Outcry's (the series benchmark's bar: what HTTP and JSON alone cost), gzipped
// once too, for clients that take it (every browser does).
import { gzipSync } from "node:zlib";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
app.post("/v1/reports", async (c) => {
  const report = await c.req.json();
  return c.json({ id: crypto.randomUUID(), service: report.service, counted: true }, 202);
});

const canned = new Map<number, { body: string; gzipped: Uint8Array<ArrayBuffer> }>();
app.get("/v1/services/:slug/series", (c) => {
  const points = Number(c.req.query("points") ?? 1440);
  let answer = canned.get(points);
  if (!answer) {
    const start = Date.parse("2025-04-16T00:00:00Z");
    const body = JSON.stringify({
      service: c.req.param("slug"),
      points: Array.from({ length: points }, (_, index) => ({
        t: new Date(start + index * 60_000).toISOString(),
        count: 0,
        expected: 5.25,
        upper: 9.5,
      })),
    });
    answer = { body, gzipped: new Uint8Array(gzipSync(body)) };
    canned.set(points, answer);
  }
  c.header("Content-Type", "application/json");
  if (!/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) return c.body(answer.body);
  c.header("Content-Encoding", "gzip");
  return c.body(answer.gzipped);
});

const server = serve(
  { fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" },
  (info) => {
    process.stdout.write(`${JSON.stringify({ msg: "listening", port: info.port })}\n`);
  },
);
process.once("SIGTERM", () => server.close());
