import { createRoute, z } from "@hono/zod-openapi";
import { DAY_MS, type Service, ServiceSlug } from "@outcry/core";
import { ALL_SOURCES, GLOBAL_REGION, type IncidentRow, listIncidents, whileAvailable } from "@outcry/db";
import { acknowledgementStats, compareWithOfficial } from "@outcry/official";
import type { App } from "../../app.ts";
import type { ApiDeps } from "../../app-env.ts";
import { csvRow } from "../../csv.ts";
import { ApiError, openApiErrorResponses } from "../../errors.ts";
import { OFFICIAL_TAIL_MS, officialWord } from "../../official/official-word.ts";
import { TimeParam } from "../../time-param.ts";
import { findService } from "../services/find-service.ts";

const MAX_RANGE_MS = 366 * DAY_MS;
/** Incidents read per service: years of a flaky service's incidents, and a bound on the work. */
const MAX_INCIDENTS = 2_000;

const Query = z.object({
  from: TimeParam.optional().openapi({ description: "Start; default: 30 days before `to`" }),
  to: TimeParam.optional().openapi({ description: "End; default: now" }),
  service: ServiceSlug.optional().openapi({
    description: "One service; default: every service with a source",
  }),
  format: z.enum(["json", "csv"]).default("json"),
});

const Row = z
  .object({
    service: z.string(),
    name: z.string(),
    incidents: z.number().int(),
    acknowledged: z.number().int(),
    providerFirst: z.number().int().openapi({ description: "Acknowledged before the crowd's onset" }),
    medianLagMinutes: z.number().int().nullable(),
    p90LagMinutes: z.number().int().nullable(),
    medianResolutionLagMinutes: z.number().int().nullable(),
  })
  .openapi("AcknowledgementRow");

const Stats = z
  .object({ from: z.iso.datetime(), to: z.iso.datetime(), services: z.array(Row) })
  .openapi("AcknowledgementStats");

const route = createRoute({
  method: "get",
  path: "/v1/stats/acknowledgement",
  tags: ["stats"],
  summary: "How quickly providers acknowledged the crowd's incidents, per service",
  description:
    "For each service that names an official source: its incidents (the service as a whole) that started " +
    "in the period, how many the provider acknowledged, and the median and p90 minutes from the crowd's " +
    "onset to the acknowledgement (negative when the provider spoke first). format=csv gives the same table.",
  request: { query: Query },
  responses: {
    200: {
      description: "Services with at least one incident, most incidents first",
      content: { "application/json": { schema: Stats }, "text/csv": { schema: z.string() } },
    },
    ...openApiErrorResponses,
  },
});

export function registerAcknowledgementStats(app: App) {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const deps = c.get("deps");
    const now = Date.now();
    const to = Math.min(query.to ?? now, now);
    const from = query.from ?? to - 30 * DAY_MS;
    if (from >= to)
      throw new ApiError({ code: "invalid_request", message: "from must be before to", field: "from" });
    if (to - from > MAX_RANGE_MS) {
      throw new ApiError({
        code: "invalid_request",
        message: "the period may span at most a year",
        field: "from",
      });
    }
    const services = query.service
      ? [findService(deps, query.service)]
      : deps
          .catalog()
          .list()
          .filter((service) => (service.official ?? []).length > 0);
    const rows = (
      await whileAvailable(() =>
        Promise.all(services.map((service) => serviceRow(deps, service, from, to, now))),
      )
    )
      .filter((row) => row !== undefined)
      .sort((a, b) => b.incidents - a.incidents || a.service.localeCompare(b.service));
    c.header("Cache-Control", "public, max-age=60");
    if (query.format === "csv") {
      const header = csvRow([
        "service",
        "name",
        "incidents",
        "acknowledged",
        "provider_first",
        "median_lag_minutes",
        "p90_lag_minutes",
        "median_resolution_lag_minutes",
      ]);
      const body = rows
        .map((row) =>
          csvRow([
            row.service,
            row.name,
            row.incidents,
            row.acknowledged,
            row.providerFirst,
            row.medianLagMinutes,
            row.p90LagMinutes,
            row.medianResolutionLagMinutes,
          ]),
        )
        .join("");
      const day = (at: number) => new Date(at).toISOString().slice(0, 10);
      return c.body(header + body, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `inline; filename="acknowledgement-${day(from)}-${day(to)}.csv"`,
      });
    }
    return c.json(
      {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        services: rows as Array<z.infer<typeof Row>>,
      },
      200,
    );
  });
}

/** A service's row, or undefined when it had no incident in the period or names no source. */
async function serviceRow(
  deps: ApiDeps,
  service: Service,
  from: number,
  to: number,
  now: number,
): Promise<z.infer<typeof Row> | undefined> {
  const incidents: IncidentRow[] = (
    await listIncidents(deps.db, {
      service: service.slug,
      region: GLOBAL_REGION,
      source: ALL_SOURCES,
      to,
      limit: MAX_INCIDENTS,
    })
  ).filter((incident) => incident.startedAt.getTime() >= from);
  if (incidents.length === 0) return undefined;
  const earliest = Math.min(...incidents.map((incident) => incident.startedAt.getTime()));
  const official = await officialWord(deps.db, service, {
    from: earliest,
    to: Math.min(now, to + OFFICIAL_TAIL_MS),
  });
  if (!official) return undefined;
  const stats = acknowledgementStats(
    incidents.map((incident) =>
      compareWithOfficial(
        {
          id: incident.id,
          startedAt: incident.startedAt.getTime(),
          resolvedAt: incident.resolvedAt?.getTime(),
        },
        official.episodes,
        now,
      ),
    ),
  );
  return {
    service: service.slug,
    name: service.name,
    incidents: stats.incidents,
    acknowledged: stats.acknowledged,
    providerFirst: stats.providerFirst,
    medianLagMinutes: stats.medianLagMinutes ?? null,
    p90LagMinutes: stats.p90LagMinutes ?? null,
    medianResolutionLagMinutes: stats.medianResolutionLagMinutes ?? null,
  };
}
