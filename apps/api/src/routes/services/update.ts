import { createRoute, z } from "@hono/zod-openapi";
import { Service, ServiceSlug } from "@outcry/core";
import { writeService } from "../../admin/catalog-write.ts";
import { adminErrorResponses, adminOnly } from "../../admin/require-scope.ts";
import type { App } from "../../app.ts";
import { errorResponse, openApiErrorResponses } from "../../errors.ts";
import { findService } from "./find-service.ts";

/** Any field but the slug (the key of its history); lists are replaced whole. */
const ServiceChanges = Service.omit({ slug: true }).partial().strict().openapi("ServiceChanges");

const route = createRoute({
  method: "patch",
  path: "/v1/services/{slug}",
  tags: ["admin"],
  summary: "Change a service: name, category, aliases, keywords, problem types, countries",
  description: "Lists given replace the stored ones. Every process reloads the catalog within a second.",
  ...adminOnly("catalog:write"),
  request: {
    params: z.object({ slug: ServiceSlug }),
    body: { required: true, content: { "application/json": { schema: ServiceChanges } } },
  },
  responses: {
    200: { description: "The service as stored", content: { "application/json": { schema: Service } } },
    404: errorResponse("No such service"),
    ...adminErrorResponses,
    ...openApiErrorResponses,
  },
});

export function registerUpdateService(app: App) {
  app.openapi(route, async (c) => {
    const { slug } = c.req.valid("param");
    const changes = c.req.valid("json");
    const deps = c.get("deps");
    const service = { ...findService(deps, slug), ...changes };
    await writeService(deps, service);
    return c.json(service, 200);
  });
}
