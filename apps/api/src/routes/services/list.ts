import { createRoute, z } from "@hono/zod-openapi";
import { Service } from "@outcry/core";
import type { App } from "../../app.ts";
import { openApiErrorResponses } from "../../errors.ts";

const ServiceList = z.object({ services: z.array(Service) }).openapi("ServiceList");

const route = createRoute({
  method: "get",
  path: "/v1/services",
  tags: ["services"],
  summary: "The catalog of services that can be reported",
  responses: {
    200: { description: "Every service, by slug", content: { "application/json": { schema: ServiceList } } },
    ...openApiErrorResponses,
  },
});

export function registerListServices(app: App) {
  app.openapi(route, (c) => {
    c.header("Cache-Control", "public, max-age=60");
    return c.json({ services: c.get("deps").catalog().list() }, 200);
  });
}
