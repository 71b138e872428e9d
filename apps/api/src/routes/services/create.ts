import { createRoute } from "@hono/zod-openapi";
import { Service } from "@outcry/core";
import { writeService } from "../../admin/catalog-write.ts";
import { adminErrorResponses, adminOnly } from "../../admin/require-scope.ts";
import type { App } from "../../app.ts";
import { ApiError, errorResponse, openApiErrorResponses } from "../../errors.ts";

const route = createRoute({
  method: "post",
  path: "/v1/services",
  tags: ["admin"],
  summary: "Add a service to the catalog",
  description:
    "Every process (api replicas, ingest, aggregator) reloads the catalog within a second. The seed catalog " +
    "never overwrites a service added or edited here.",
  ...adminOnly("catalog:write"),
  request: { body: { required: true, content: { "application/json": { schema: Service.strict() } } } },
  responses: {
    201: { description: "The service as stored", content: { "application/json": { schema: Service } } },
    409: errorResponse("A service with that slug exists; change it with PATCH"),
    ...adminErrorResponses,
    ...openApiErrorResponses,
  },
});

export function registerCreateService(app: App) {
  app.openapi(route, async (c) => {
    const service = c.req.valid("json");
    const deps = c.get("deps");
    if (deps.catalog().get(service.slug)) {
      throw new ApiError({ code: "conflict", message: `service ${service.slug} exists`, field: "slug" });
    }
    await writeService(deps, service);
    return c.json(service, 201);
  });
}
