import { createRoute, z } from "@hono/zod-openapi";
import { getIncident, whileAvailable } from "@outcry/db";
import type { App } from "../../app.ts";
import { ApiError, errorResponse, openApiErrorResponses } from "../../errors.ts";
import { IncidentJson, incidentJson } from "./incident-json.ts";

const route = createRoute({
  method: "get",
  path: "/v1/incidents/{id}",
  tags: ["incidents"],
  summary: "One incident",
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: { description: "The incident", content: { "application/json": { schema: IncidentJson } } },
    404: errorResponse("No such incident"),
    ...openApiErrorResponses,
  },
});

export function registerGetIncident(app: App) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const row = await whileAvailable(() => getIncident(c.get("deps").db, id));
    if (!row) throw new ApiError({ code: "not_found", message: `no incident ${id}`, field: "id" });
    c.header("Cache-Control", "public, max-age=15");
    return c.json(incidentJson(row), 200);
  });
}
