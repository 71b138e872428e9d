import { z } from "@hono/zod-openapi";
import { alignDown, DAY_MS, RegionCode, SeriesStep, SignalSource, STEP_MS } from "@outcry/core";
import { ALL_SOURCES, type Db, GLOBAL_REGION, seriesForService, whileAvailable } from "@outcry/db";
import { ApiError } from "./errors.ts";
import { expectedBand } from "./series-band.ts";

/** The detector's band is today's seasonal baseline; beyond a week and a day back it says little. */
const BAND_MAX_RANGE_MS = 8 * DAY_MS;

/** A week of minutes: more points than any chart draws, few enough to answer in milliseconds. */
const MAX_POINTS = 10_080;

/** The `region` query parameter of the series routes. */
export const SeriesRegionParam = RegionCode.optional().openapi({
  description: "ISO 3166-1 alpha-2 or ZZ; default: all regions summed.",
});

/** The `source` query parameter of the series routes. */
export const SeriesSourceParam = z.enum(["all", ...SignalSource.options]).default("all");
export type SeriesSource = z.infer<typeof SeriesSourceParam>;

export interface SeriesRequest {
  service: string;
  /** Inclusive start as asked, epoch ms; default: `spanMs` before `to`. */
  from?: number | undefined;
  /** Exclusive end as asked, epoch ms; default: the end of the bucket now filling. */
  to?: number | undefined;
  /** How far before `to` the series starts when `from` is not given. */
  spanMs: number;
  step: SeriesStep;
  region?: string | undefined;
  source: SeriesSource;
}

export interface SeriesRow {
  /** Bucket start, epoch ms. */
  t: number;
  count: number;
  /** The detector's expected count, rounded to hundredths; null where the series has no band. */
  expected: number | null;
  /** Top of the detector's normal band; null where the series has no band. */
  upper: number | null;
}

export interface LoadedSeries {
  /** Bounds aligned to the step: `from` inclusive, `to` exclusive. */
  from: number;
  to: number;
  stepMs: number;
  /** One row per bucket, zeros included. */
  points: SeriesRow[];
}

/**
 * The counts of one service over a range, with the detector's band beside them where it has one:
 * what the series route answers (JSON or CSV) and the chart draws. Bounds snap outward to the step;
 * an empty range or one of more than MAX_POINTS buckets is the caller's mistake (400).
 */
export async function loadSeries(db: Db, request: SeriesRequest): Promise<LoadedSeries> {
  const stepMs = STEP_MS[request.step];
  // `to` is exclusive and rounds up to a bucket edge; by default the current bucket is included,
  // so the minute now filling shows up.
  const to =
    request.to === undefined
      ? alignDown(Date.now(), stepMs) + stepMs
      : alignDown(request.to + stepMs - 1, stepMs);
  const from = alignDown(request.from ?? to - request.spanMs, stepMs);
  if (from >= to)
    throw new ApiError({ code: "invalid_request", message: "from must be before to", field: "from" });
  if ((to - from) / stepMs > MAX_POINTS) {
    throw new ApiError({
      code: "invalid_request",
      message: `range holds more than ${MAX_POINTS} points at step ${request.step}; use a larger step`,
      field: "step",
    });
  }
  const { service, region } = request;
  const source = request.source === "all" ? undefined : request.source;
  const [counts, band] = await whileAvailable(() =>
    Promise.all([
      seriesForService(db, { service, from, to, stepMs, region, source }),
      // The band is the detector's, over all sources, and today's: shown for recent ranges only.
      // The detector judges each region per source, and the service as a whole.
      (region === undefined) === (source === undefined) && to - from <= BAND_MAX_RANGE_MS
        ? expectedBand(
            db,
            { service, region: region ?? GLOBAL_REGION, source: source ?? ALL_SOURCES },
            from,
            to,
            stepMs,
          )
        : undefined,
    ]),
  );
  const points = counts.map((point, index) => ({
    t: point.t,
    count: point.count,
    expected: band ? hundredths(band[index]?.expected) : null,
    upper: band ? hundredths(band[index]?.upper) : null,
  }));
  return { from, to, stepMs, points };
}

/**
 * The finest step that draws a span in at most `maxPoints` buckets; the coarsest step when none
 * does (the range guard of loadSeries then speaks).
 */
export function stepForSpan(spanMs: number, maxPoints: number): SeriesStep {
  return SeriesStep.options.find((step) => spanMs / STEP_MS[step] <= maxPoints) ?? "1d";
}

function hundredths(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 100) / 100;
}
