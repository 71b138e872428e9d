import { createRoute, z } from "@hono/zod-openapi";
import { getIncident, incidentComposition, whileAvailable } from "@outcry/db";
import type { App } from "../../app.ts";
import { ApiError, errorResponse, openApiErrorResponses } from "../../errors.ts";
import { IncidentOfficialJson, incidentOfficialJson } from "../../official/official-json.ts";
import { incidentOfficial } from "../../official/official-word.ts";
import { IncidentJson, incidentJson } from "./incident-json.ts";

const Share = z.object({ count: z.number().int(), share: z.number().min(0).max(1) });

const IncidentDetail = IncidentJson.extend({
  official: IncidentOfficialJson,
  explanation: z.object({
    problems: z
      .array(Share.extend({ problem: z.string() }))
      .openapi({ description: "Top problem types reported" }),
    regions: z
      .array(Share.extend({ region: z.string() }))
      .openapi({ description: "Top regions of the signals (global incidents only)" }),
  }),
}).openapi("IncidentDetail");

/** Problem types and regions listed with an incident. */
const TOP = 5;

const route = createRoute({
  method: "get",
  path: "/v1/incidents/{id}",
  tags: ["incidents"],
  summary: "One incident",
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: {
      description: "The incident, with what it was made of",
      content: { "application/json": { schema: IncidentDetail } },
    },
    404: errorResponse("No such incident"),
    ...openApiErrorResponses,
  },
});

export function registerGetIncident(app: App) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const deps = c.get("deps");
    const db = deps.db;
    const row = await whileAvailable(() => getIncident(db, id));
    if (!row) throw new ApiError({ code: "not_found", message: `no incident ${id}`, field: "id" });
    const now = Date.now();
    const crowd = { id: row.id, startedAt: row.startedAt.getTime(), resolvedAt: row.resolvedAt?.getTime() };
    const service = deps.catalog().get(row.service);
    const [composition, official] = await whileAvailable(() =>
      Promise.all([
        incidentComposition(db, {
          service: row.service,
          region: row.region,
          from: crowd.startedAt,
          to: crowd.resolvedAt ?? now,
          top: TOP,
        }),
        service ? incidentOfficial(db, service, crowd, now) : undefined,
      ]),
    );
    c.header("Cache-Control", "public, max-age=15");
    return c.json(
      {
        ...incidentJson(row),
        official: official ? incidentOfficialJson(official.comparison, official.silence) : null,
        explanation: {
          problems: composition.problems.map(({ key, ...share }) => ({ problem: key, ...share })),
          regions: composition.regions.map(({ key, ...share }) => ({ region: key, ...share })),
        },
      },
      200,
    );
  });
}
