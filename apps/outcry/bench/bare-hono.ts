// The baseline: a bare Hono handler on @hono/node-server that parses the same JSON body and answers
// 202, with no validation, Redis or Postgres. What the intake costs is measured against this.
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
app.post("/v1/reports", async (c) => {
  const report = await c.req.json();
  return c.json({ id: crypto.randomUUID(), service: report.service, counted: true }, 202);
});

const server = serve(
  { fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" },
  (info) => {
    process.stdout.write(`${JSON.stringify({ msg: "listening", port: info.port })}\n`);
  },
);
process.once("SIGTERM", () => server.close());
