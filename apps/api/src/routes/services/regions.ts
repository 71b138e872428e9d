import { createRoute, z } from "@hono/zod-openapi";
import { HOUR_MS, MINUTE_MS, regionName, ServiceSlug, SignalSource } from "@outcry/core";
import { regionalDetectorStates, regionCounts, type SeriesStatus, whileAvailable } from "@outcry/db";
import { SeriesDetector, type SeriesDetectorSnapshot } from "@outcry/detection";
import type { App } from "../../app.ts";
import { ApiError, errorResponse, openApiErrorResponses } from "../../errors.ts";
import { TimeParam } from "../../time-param.ts";
import { findService } from "./find-service.ts";

// A map shows "now": the last quarter of an hour by default, a day at most.
const DEFAULT_WINDOW_MS = 15 * MINUTE_MS;
const MAX_WINDOW_MS = 24 * HOUR_MS;
const SEVERITY: Record<SeriesStatus, number> = { ok: 0, possible: 1, problems: 2 };

const RegionBreakdown = z
  .object({
    service: z.string(),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    source: z.string(),
    regions: z.array(
      z.object({
        region: z.string().openapi({ description: "ISO 3166-1 alpha-2, or ZZ for unknown" }),
        name: z.string(),
        count: z.number().int(),
        expected: z.number().nullable().openapi({
          description:
            "The detector's expected count for the window; null before the region's series was judged",
        }),
        status: z.enum(["ok", "possible", "problems", "unknown"]).openapi({
          description: "The detector's latest verdict on the region (the worst of its sources)",
        }),
      }),
    ),
  })
  .openapi("RegionBreakdown");

const route = createRoute({
  method: "get",
  path: "/v1/services/{slug}/regions",
  tags: ["services"],
  summary: "Signals per region over a window, against what is normal there: data for a map",
  request: {
    params: z.object({ slug: ServiceSlug }),
    query: z.object({
      from: TimeParam.optional().openapi({
        description: "Start (inclusive); default: 15 minutes before `to`.",
      }),
      to: TimeParam.optional().openapi({ description: "End (exclusive); default: now." }),
      source: z.enum(["all", ...SignalSource.options]).default("all"),
    }),
  },
  responses: {
    200: {
      description: "Every region with signals in the window or a detector verdict, busiest first",
      content: { "application/json": { schema: RegionBreakdown } },
    },
    404: errorResponse("No such service"),
    ...openApiErrorResponses,
  },
});

export function registerServiceRegions(app: App) {
  app.openapi(route, async (c) => {
    const { slug } = c.req.valid("param");
    const query = c.req.valid("query");
    const deps = c.get("deps");
    findService(deps, slug);
    const to = query.to ?? Date.now();
    const from = query.from ?? to - DEFAULT_WINDOW_MS;
    if (from >= to)
      throw new ApiError({ code: "invalid_request", message: "from must be before to", field: "from" });
    if (to - from > MAX_WINDOW_MS) {
      throw new ApiError({
        code: "invalid_request",
        message: "the window may span at most 24 hours",
        field: "from",
      });
    }
    const source = query.source === "all" ? undefined : query.source;
    const [counts, states] = await whileAvailable(() =>
      Promise.all([
        regionCounts(deps.db, { service: slug, from, to, source }),
        regionalDetectorStates(deps.db, slug),
      ]),
    );
    // Regions are judged per source; "all" adds their expectations and takes the worst verdict.
    const judged = new Map<string, { expected: number; status: SeriesStatus }>();
    for (const state of states) {
      if (source !== undefined && state.source !== source) continue;
      const [point] = SeriesDetector.restore(
        { bucketMs: MINUTE_MS },
        state.state as SeriesDetectorSnapshot,
      ).band(from, to, to - from);
      const previous = judged.get(state.region);
      judged.set(state.region, {
        expected: (previous?.expected ?? 0) + (point?.expected ?? 0),
        status:
          previous && SEVERITY[previous.status] > SEVERITY[state.status] ? previous.status : state.status,
      });
    }
    const countOf = new Map(counts.map((row) => [row.region, row.count]));
    const regions = [...new Set([...countOf.keys(), ...judged.keys()])]
      .map((region) => {
        const verdict = judged.get(region);
        return {
          region,
          name: regionName(region),
          count: countOf.get(region) ?? 0,
          expected: verdict ? Math.round(verdict.expected * 100) / 100 : null,
          status: verdict?.status ?? ("unknown" as const),
        };
      })
      .sort((a, b) => b.count - a.count || a.region.localeCompare(b.region));
    c.header("Cache-Control", "public, max-age=15");
    return c.json(
      {
        service: slug,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        source: query.source,
        regions,
      },
      200,
    );
  });
}
