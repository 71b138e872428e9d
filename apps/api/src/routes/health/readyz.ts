import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app.ts";

/** A check slower than this counts as down: readiness must answer quickly to be useful. */
const CHECK_TIMEOUT_MS = 1_000;

const Readiness = z.object({
  status: z.enum(["ready", "unavailable"]),
  checks: z.record(z.string(), z.enum(["ok", "down"])),
});

const route = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["health"],
  summary: "Readiness: Postgres and Redis both answer",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: Readiness } } },
    503: { description: "A dependency is down", content: { "application/json": { schema: Readiness } } },
  },
});

export function registerReadyz(app: App) {
  app.openapi(route, async (c) => {
    const entries = Object.entries(c.get("deps").readiness);
    const results = await Promise.all(entries.map(([, check]) => withTimeout(check(), CHECK_TIMEOUT_MS)));
    const checks = Object.fromEntries(
      entries.map(([name], index) => [name, results[index] ? "ok" : "down"] as const),
    );
    const ready = results.every(Boolean);
    if (!ready) c.header("Retry-After", "5");
    return c.json(
      { status: ready ? ("ready" as const) : ("unavailable" as const), checks },
      ready ? 200 : 503,
    );
  });
}

async function withTimeout(check: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([check.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
