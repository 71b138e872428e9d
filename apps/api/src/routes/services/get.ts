import { createRoute, z } from "@hono/zod-openapi";
import { Service, ServiceSlug } from "@outcry/core";
import { serviceStatus, whileAvailable } from "@outcry/db";
import type { App } from "../../app.ts";
import { errorResponse, openApiErrorResponses } from "../../errors.ts";
import { ServiceOfficialJson, serviceOfficialJson } from "../../official/official-json.ts";
import { officialWord, serviceOfficial } from "../../official/official-word.ts";
import { IncidentJson, incidentJson } from "../incidents/incident-json.ts";
import { findService } from "./find-service.ts";
import { ServiceStatus } from "./service-status.ts";

const ServiceWithStatus = z
  .object({
    service: Service,
    status: ServiceStatus,
    score: z.number().min(0).max(1).nullable(),
    statusAt: z.iso.datetime().nullable().openapi({ description: "The minute the status describes" }),
    openIncident: IncidentJson.nullable(),
    official: ServiceOfficialJson,
  })
  .openapi("ServiceWithStatus");

const route = createRoute({
  method: "get",
  path: "/v1/services/{slug}",
  tags: ["services"],
  summary: "A service, its status now and its open incident",
  request: { params: z.object({ slug: ServiceSlug }) },
  responses: {
    200: { description: "The service", content: { "application/json": { schema: ServiceWithStatus } } },
    404: errorResponse("No such service"),
    ...openApiErrorResponses,
  },
});

export function registerGetService(app: App) {
  app.openapi(route, async (c) => {
    const { slug } = c.req.valid("param");
    const deps = c.get("deps");
    const service = findService(deps, slug);
    const now = Date.now();
    const [status, official] = await whileAvailable(() =>
      Promise.all([serviceStatus(deps.db, slug), officialWord(deps.db, service, { from: now, to: now + 1 })]),
    );
    c.header("Cache-Control", "public, max-age=15");
    return c.json(
      {
        service,
        status: status?.status ?? ("unknown" as const),
        score: status ? Math.round(status.score * 1000) / 1000 : null,
        statusAt: status ? new Date(status.at).toISOString() : null,
        openIncident: status?.openIncident ? incidentJson(status.openIncident) : null,
        official: official ? serviceOfficialJson(serviceOfficial(official, status?.openIncident, now)) : null,
      },
      200,
    );
  });
}
