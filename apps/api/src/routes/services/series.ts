import { createRoute, z } from "@hono/zod-openapi";
import { DAY_MS, SeriesStep, ServiceSlug } from "@outcry/core";
import { whileAvailable } from "@outcry/db";
import type { App } from "../../app.ts";
import { errorResponse, openApiErrorResponses } from "../../errors.ts";
import { OfficialEpisodeJson, officialEpisodeJson } from "../../official/official-json.ts";
import { officialEpisodesIn } from "../../official/official-word.ts";
import { type LoadedSeries, loadSeries, SeriesRegionParam, SeriesSourceParam } from "../../series-query.ts";
import { TimeParam } from "../../time-param.ts";
import { findService } from "./find-service.ts";

const Query = z.object({
  from: TimeParam.optional().openapi({ description: "Start (inclusive); default: 24 hours before `to`." }),
  to: TimeParam.optional().openapi({ description: "End (exclusive); default: now." }),
  step: SeriesStep.default("1m"),
  region: SeriesRegionParam,
  source: SeriesSourceParam,
  format: z.enum(["json", "csv"]).default("json").openapi({
    description: "json, or csv: a header row `t,count,expected,upper`, one row per bucket",
  }),
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
    official: z
      .array(OfficialEpisodeJson)
      .nullable()
      .openapi({
        description:
          "What the provider said officially over the range, beside the crowd's counts: its incidents, " +
          "components and page status away from normal (end null while open) and its account's posts " +
          "(end equal to start), each touching the range, earliest first; the same for every region " +
          "and source. null when the catalog names no official source for the service.",
      }),
  })
  .openapi("Series");

const route = createRoute({
  method: "get",
  path: "/v1/services/{slug}/series",
  tags: ["services"],
  summary: "Signal counts of a service over time, as JSON or CSV",
  request: { params: z.object({ slug: ServiceSlug }), query: Query },
  responses: {
    200: {
      description: "One point per bucket, zeros included",
      content: {
        "application/json": { schema: Series },
        "text/csv": {
          schema: z.string().openapi({
            description:
              "With format=csv: `t,count,expected,upper`, ISO 8601 times, empty cells where the band is null",
            example: "t,count,expected,upper\r\n2025-04-16T08:00:00.000Z,12,9.5,21.3\r\n",
          }),
        },
      },
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
    const service = findService(deps, slug);
    const series = await loadSeries(deps.db, { ...query, service: slug, spanMs: DAY_MS });
    c.header("Cache-Control", "public, max-age=15");
    if (query.format === "csv") {
      return c.body(seriesCsv(series), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `inline; filename="${csvFilename(slug, query.region, series)}"`,
      });
    }
    // The pages' charts draw the provider's word from here, so that one request brings both.
    const official = await whileAvailable(() => officialEpisodesIn(deps.db, service, series, Date.now()));
    return c.json(
      {
        service: slug,
        from: new Date(series.from).toISOString(),
        to: new Date(series.to).toISOString(),
        step: query.step,
        region: query.region ?? null,
        source: query.source,
        points: series.points.map((point) => ({ ...point, t: new Date(point.t).toISOString() })),
        official: official?.map(officialEpisodeJson) ?? null,
      },
      200,
    );
  });
}

/** RFC 4180 CSV (CRLF line ends); nothing in it needs quoting, being times and numbers. */
function seriesCsv(series: LoadedSeries): string {
  const rows = series.points.map(
    (point) =>
      `${new Date(point.t).toISOString()},${point.count},${point.expected ?? ""},${point.upper ?? ""}`,
  );
  return `t,count,expected,upper\r\n${rows.map((row) => `${row}\r\n`).join("")}`;
}

/** spotify-gb-series-20250416T0800Z-20250417T0800Z.csv: sorts by time, safe on every file system. */
function csvFilename(slug: string, region: string | undefined, series: LoadedSeries): string {
  const stamp = (at: number) => `${new Date(at).toISOString().slice(0, 16).replace(/[-:]/g, "")}Z`;
  const place = region ? `-${region.toLowerCase()}` : "";
  return `${slug}${place}-series-${stamp(series.from)}-${stamp(series.to)}.csv`;
}
