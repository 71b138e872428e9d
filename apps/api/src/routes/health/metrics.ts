import type { App } from "../../app.ts";

/** Prometheus scrape endpoint; plain text, so outside the OpenAPI document. */
export function registerMetrics(app: App) {
  app.get("/metrics", async (c) => {
    const { registry } = c.get("deps").metrics;
    return c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
  });
}
