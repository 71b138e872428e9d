import { createRoute, z } from "@hono/zod-openapi";
import { alignDown, DAY_MS, RegionCode, SeriesStep, ServiceSlug, SignalSource, STEP_MS } from "@outcry/core";
import { ALL_SOURCES, GLOBAL_REGION, seriesForService, whileAvailable } from "@outcry/db";
import type { App } from "../../app.ts";
import { ApiError, errorResponse, openApiErrorResponses } from "../../errors.ts";
import { expectedBand } from "../../series-band.ts";
import { TimeParam } from "../../time-param.ts";
import { findService } from "./find-service.ts";

/** The detector's band is today's seasonal baseline; beyond a week and a day back it says little. */
const BAND_MAX_RANGE_MS = 8 * DAY_MS;

function round(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 100) / 100;
}

/** A week of minutes: more points than any chart draws, few enough to answer in milliseconds. */
const MAX_POINTS = 10_080;

const Query = z.object({
  from: TimeParam.optional().openapi({ description: "Start (inclusive); default: 24 hours before `to`." }),
  to: TimeParam.optional().openapi({ description: "End (exclusive); default: now." }),
  step: SeriesStep.default("1m"),
  region: RegionCode.optional().openapi({
    description: "ISO 3166-1 alpha-2 or ZZ; default: all regions summed.",
  }),
  source: z.enum(["all", ...SignalSource.options]).default("all"),
});

const Series = z
  .object({
    service: z.string(),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    step: SeriesStep,
    region: z.string().nullable(),
    source: z.string(),
    points: z.array(
      z.object({
        t: z.iso.datetime(),
        count: z.number().int(),
        expected: z
          .number()
          .nullable()
          .openapi({
            description:
              "Expected count (the detector's baseline), for the whole service or for one region and one source; " +
              "null for other combinations and ranges over eight days",
          }),
        upper: z.number().nullable().openapi({ description: "Top of the normal band" }),
      }),
    ),
  })
  .openapi("Series");

const route = createRoute({
  method: "get",
  path: "/v1/services/{slug}/series",
  tags: ["services"],
  summary: "Signal counts of a service over time",
  request: { params: z.object({ slug: ServiceSlug }), query: Query },
  responses: {
    200: {
      description: "One point per bucket, zeros included",
      content: { "application/json": { schema: Series } },
    },
    404: errorResponse("No such service"),
    ...openApiErrorResponses,
  },
});

export function registerServiceSeries(app: App) {
  app.openapi(route, async (c) => {
    const { slug } = c.req.valid("param");
    const query = c.req.valid("query");
    const deps = c.get("deps");
    findService(deps, slug);
    const stepMs = STEP_MS[query.step];
    // `to` is exclusive and rounds up to a bucket edge; by default the current bucket is included,
    // so the minute now filling shows up.
    const to =
      query.to === undefined
        ? alignDown(Date.now(), stepMs) + stepMs
        : alignDown(query.to + stepMs - 1, stepMs);
    const from = alignDown(query.from ?? to - DAY_MS, stepMs);
    if (from >= to)
      throw new ApiError({ code: "invalid_request", message: "from must be before to", field: "from" });
    if ((to - from) / stepMs > MAX_POINTS) {
      throw new ApiError({
        code: "invalid_request",
        message: `range holds more than ${MAX_POINTS} points at step ${query.step}; use a larger step`,
        field: "step",
      });
    }
    const region = query.region;
    const source = query.source === "all" ? undefined : query.source;
    const [points, band] = await whileAvailable(() =>
      Promise.all([
        seriesForService(deps.db, { service: slug, from, to, stepMs, region, source }),
        // The band is the detector's, over all sources, and today's: shown for recent ranges only.
        // The detector judges each region per source, and the service as a whole.
        (region === undefined) === (source === undefined) && to - from <= BAND_MAX_RANGE_MS
          ? expectedBand(
              deps.db,
              { service: slug, region: region ?? GLOBAL_REGION, source: source ?? ALL_SOURCES },
              from,
              to,
              stepMs,
            )
          : undefined,
      ]),
    );
    c.header("Cache-Control", "public, max-age=15");
    return c.json(
      {
        service: slug,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        step: query.step,
        region: region ?? null,
        source: query.source,
        points: points.map((point, index) => ({
          t: new Date(point.t).toISOString(),
          count: point.count,
          expected: band ? round(band[index]?.expected) : null,
          upper: band ? round(band[index]?.upper) : null,
        })),
      },
      200,
    );
  });
}
