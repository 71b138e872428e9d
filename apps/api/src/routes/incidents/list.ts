import { createRoute, z } from "@hono/zod-openapi";
import { RegionCode, ServiceSlug } from "@outcry/core";
import { listIncidents, whileAvailable } from "@outcry/db";
import type { App } from "../../app.ts";
import { openApiErrorResponses } from "../../errors.ts";
import { TimeParam } from "../../time-param.ts";
import { IncidentJson, incidentJson } from "./incident-json.ts";

const Query = z.object({
  service: ServiceSlug.optional(),
  region: z
    .union([z.literal("global"), RegionCode])
    .optional()
    .openapi({ description: "ISO 3166-1 alpha-2, or global for services' global incidents" }),
  source: z
    .enum(["report", "bluesky", "all"])
    .optional()
    .openapi({ description: "all: services' global incidents" }),
  status: z.enum(["open", "resolved"]).optional(),
  from: TimeParam.optional().openapi({ description: "Incidents still open at or after this time" }),
  to: TimeParam.optional().openapi({ description: "Incidents started before this time" }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const route = createRoute({
  method: "get",
  path: "/v1/incidents",
  tags: ["incidents"],
  summary: "Incidents the detector opened, newest first",
  request: { query: Query },
  responses: {
    200: {
      description: "Matching incidents",
      content: { "application/json": { schema: z.object({ incidents: z.array(IncidentJson) }) } },
    },
    ...openApiErrorResponses,
  },
});

export function registerListIncidents(app: App) {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const rows = await whileAvailable(() =>
      listIncidents(c.get("deps").db, {
        service: query.service,
        region: query.region === "global" ? "*" : query.region,
        source: query.source,
        status: query.status,
        from: query.from,
        to: query.to,
        limit: query.limit,
      }),
    );
    c.header("Cache-Control", "public, max-age=15");
    return c.json({ incidents: rows.map(incidentJson) }, 200);
  });
}
