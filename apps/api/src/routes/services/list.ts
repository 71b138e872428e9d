import { createRoute, z } from "@hono/zod-openapi";
import { alignDown, DAY_MS, HOUR_MS, ProblemType, type Service, ServiceCategory } from "@outcry/core";
import { hourlyCounts, type ServiceOverview, serviceOverviews, whileAvailable } from "@outcry/db";
import type { App } from "../../app.ts";
import { openApiErrorResponses } from "../../errors.ts";
import { ServiceStatus } from "./service-status.ts";

const Query = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .optional()
    .openapi({ description: "Search in names, slugs and aliases; case and accents do not matter" }),
  category: ServiceCategory.optional(),
  status: ServiceStatus.optional().openapi({ description: "Only services in this status" }),
});

const ServiceSummary = z
  .object({
    slug: z.string(),
    name: z.string(),
    category: ServiceCategory,
    problems: z.array(ProblemType),
    status: ServiceStatus,
    score: z.number().min(0).max(1).nullable(),
    openIncidentId: z.uuid().nullable(),
    sparkline: z.array(z.number().int()).openapi({
      description:
        "Signals per hour over the last 24 hours, oldest first; the last hour is the one filling now",
    }),
  })
  .openapi("ServiceSummary");

const ServiceList = z
  .object({
    services: z.array(ServiceSummary),
    sparklineFrom: z.iso.datetime().openapi({ description: "Start of the sparklines' first hour" }),
  })
  .openapi("ServiceList");

const route = createRoute({
  method: "get",
  path: "/v1/services",
  tags: ["services"],
  summary: "Services with their status now and a 24-hour sparkline, the ones with problems first",
  request: { query: Query },
  responses: {
    200: {
      description: "Matching services: problems first, then possible problems, then by name",
      content: { "application/json": { schema: ServiceList } },
    },
    ...openApiErrorResponses,
  },
});

/** Lower case without accents, so "deezer" finds "Deezer" and "cafe" finds "Café". */
function folded(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

function matches(service: Service, query: string): boolean {
  const needle = folded(query);
  return [service.name, service.slug, ...service.aliases].some((name) => folded(name).includes(needle));
}

const STATUS_RANK: Record<ServiceStatus, number> = { problems: 0, possible: 1, ok: 2, unknown: 3 };

export function registerListServices(app: App) {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const deps = c.get("deps");
    const candidates = deps
      .catalog()
      .list()
      .filter((service) => query.category === undefined || service.category === query.category)
      .filter((service) => query.q === undefined || matches(service, query.q));
    const to = alignDown(Date.now(), HOUR_MS) + HOUR_MS;
    const from = to - DAY_MS;
    const [overviews, sparklines] = await whileAvailable(() =>
      Promise.all([
        serviceOverviews(deps.db),
        hourlyCounts(
          deps.db,
          candidates.map((service) => service.slug),
          from,
          to,
        ),
      ]),
    );
    const summaries = candidates
      .map((service) => summary(service, overviews.get(service.slug), sparklines.get(service.slug) ?? []))
      .filter((entry) => query.status === undefined || entry.status === query.status)
      .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.name.localeCompare(b.name));
    c.header("Cache-Control", "public, max-age=15");
    return c.json({ services: summaries, sparklineFrom: new Date(from).toISOString() }, 200);
  });
}

function summary(service: Service, overview: ServiceOverview | undefined, sparkline: number[]) {
  return {
    slug: service.slug,
    name: service.name,
    category: service.category,
    problems: service.problems,
    status: overview?.status ?? ("unknown" as const),
    score: overview ? Math.round(overview.score * 1000) / 1000 : null,
    openIncidentId: overview?.openIncidentId ?? null,
    sparkline,
  };
}
