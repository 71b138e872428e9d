import { createRoute, z } from "@hono/zod-openapi";
import { alignDown, DAY_MS, HOUR_MS, regionName, ServiceSlug, STEP_MS, UNKNOWN_REGION } from "@outcry/core";
import { GLOBAL_REGION, listIncidents, whileAvailable } from "@outcry/db";
import type { App } from "../../app.ts";
import { CHART_THEMES } from "../../chart/chart-palette.ts";
import { renderChartSvg } from "../../chart/render-chart-svg.ts";
import { ApiError, errorResponse, openApiErrorResponses } from "../../errors.ts";
import { officialEpisodesIn } from "../../official/official-word.ts";
import {
  loadSeries,
  SeriesRegionParam,
  type SeriesSource,
  SeriesSourceParam,
  stepForSpan,
} from "../../series-query.ts";
import { TimeParam } from "../../time-param.ts";
import { findService } from "./find-service.ts";

const ChartRange = z.enum(["6h", "24h", "7d", "30d"]);
const RANGE_MS: Record<z.infer<typeof ChartRange>, number> = {
  "6h": 6 * HOUR_MS,
  "24h": DAY_MS,
  "7d": 7 * DAY_MS,
  "30d": 30 * DAY_MS,
};

// Enough points for a smooth line at any width allowed, few enough to keep the image small:
// a day at one minute (1,440), a week at 15 minutes, a month at an hour.
const CHART_MAX_POINTS = 1_500;
// More incidents than a readable chart can shade; the rest would only darken the same stretches.
const MAX_INCIDENTS = 200;
// Fresh enough for a live story, long enough that a page with the image on it, read by thousands,
// costs one render a minute behind a cache.
const MAX_AGE_S = 60;

const Query = z.object({
  range: ChartRange.optional().openapi({
    description: "How far back from `to` the chart reaches when `from` is not given; default 24h",
  }),
  from: TimeParam.optional().openapi({ description: "Start (inclusive), instead of `range`." }),
  to: TimeParam.optional().openapi({ description: "End (exclusive); default: now." }),
  region: SeriesRegionParam,
  source: SeriesSourceParam,
  theme: z.enum(CHART_THEMES).default("light"),
  width: z.coerce.number().int().min(360).max(1600).default(800).openapi({ description: "Pixels" }),
  height: z.coerce.number().int().min(240).max(1000).default(400).openapi({ description: "Pixels" }),
});

const route = createRoute({
  method: "get",
  path: "/v1/services/{slug}/chart.svg",
  tags: ["services"],
  summary: "An embeddable chart of a service's signals against the expected band, as SVG",
  description:
    "Drawn on the server, readable without JavaScript: counts over the range against the detector's " +
    "expected band, incidents shaded, times in UTC, and a source line. Where the catalog names the " +
    "provider's official sources, what it announced over the range (incidents, components or page " +
    "status away from normal, posts) is hatched in a strip above the plot, with a legend entry of its " +
    "own. Embed it with an <img> tag. " +
    "The step follows the range: a minute up to a day, then coarser so the line keeps at most 1,500 points.",
  request: { params: z.object({ slug: ServiceSlug }), query: Query },
  responses: {
    200: {
      description: "The chart",
      content: { "image/svg+xml": { schema: z.string().openapi({ description: "An SVG document" }) } },
    },
    404: errorResponse("No such service"),
    ...openApiErrorResponses,
  },
});

export function registerServiceChartSvg(app: App) {
  app.openapi(route, async (c) => {
    const { slug } = c.req.valid("param");
    const query = c.req.valid("query");
    const deps = c.get("deps");
    const service = findService(deps, slug);
    if (query.range !== undefined && query.from !== undefined) {
      throw new ApiError({
        code: "invalid_request",
        message: "give range or from, not both",
        field: "range",
      });
    }
    const now = Date.now();
    const spanMs = RANGE_MS[query.range ?? "24h"];
    const end = query.to ?? now;
    const step = stepForSpan(end - (query.from ?? end - spanMs), CHART_MAX_POINTS);
    const series = await loadSeries(deps.db, {
      service: slug,
      from: query.from,
      // The bucket still filling would draw as a fall at the right edge: by default the chart
      // ends where the last whole bucket does.
      to: query.to ?? alignDown(now, STEP_MS[step]),
      spanMs,
      step,
      region: query.region,
      source: query.source,
    });
    const [incidents, official] = await whileAvailable(() =>
      Promise.all([
        listIncidents(deps.db, {
          service: slug,
          // A regional chart shades that region's incidents (one per source unless one is chosen);
          // the whole service's chart, its global ones, which sum every source.
          region: query.region ?? GLOBAL_REGION,
          source: query.region !== undefined && query.source !== "all" ? query.source : undefined,
          from: series.from,
          to: series.to,
          limit: MAX_INCIDENTS,
        }),
        // The provider speaks for the whole service: a regional chart shows its word too.
        officialEpisodesIn(deps.db, service, series, now),
      ]),
    );
    const place =
      query.region === undefined
        ? ""
        : ` – ${query.region === UNKNOWN_REGION ? "region unknown" : regionName(query.region)}`;
    const svg = renderChartSvg(
      series.points,
      incidents.map((incident) => ({
        startedAt: incident.startedAt.getTime(),
        resolvedAt: incident.resolvedAt?.getTime() ?? null,
      })),
      {
        title: `${service.name} problem reports${place}`,
        sources: SOURCE_WORDS[query.source],
        pagePath: `/services/${slug}`,
        from: series.from,
        to: series.to,
        stepMs: series.stepMs,
        generatedAt: now,
        theme: query.theme,
        width: query.width,
        height: query.height,
      },
      official ?? [],
    );
    return c.body(svg, 200, {
      "Content-Type": "image/svg+xml; charset=utf-8",
      "Cache-Control": `public, max-age=${MAX_AGE_S}`,
      // An image anyone may embed, or fetch from a script to inline.
      "Access-Control-Allow-Origin": "*",
      // Opened on its own, the document may run nothing and load nothing: escaping already keeps
      // script out, this makes sure.
      "Content-Security-Policy": "default-src 'none'",
      "X-Content-Type-Options": "nosniff",
    });
  });
}

const SOURCE_WORDS: Record<SeriesSource, string> = {
  all: "reports and Bluesky posts",
  report: "reports",
  bluesky: "Bluesky posts",
};
