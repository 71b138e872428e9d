import { HOUR_MS } from "@outcry/core";
import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { ALL_SOURCES, countsHour, detectorStates, GLOBAL_REGION, incidents } from "../schema/index.ts";
import type { SeriesStatus } from "./detection.ts";

export interface ServiceOverview {
  status: SeriesStatus;
  score: number;
  /** The minute the status describes, epoch ms. */
  at: number;
  /** The open global incident's id, if one is open. */
  openIncidentId: string | undefined;
}

/**
 * Every judged service's status from its global series, with its open incident: two index reads
 * for the whole catalog, for a list page that must not cost one query per service.
 */
export async function serviceOverviews(db: Db): Promise<Map<string, ServiceOverview>> {
  const global = [eq(detectorStates.region, GLOBAL_REGION), eq(detectorStates.source, ALL_SOURCES)];
  const [states, open] = await Promise.all([
    db
      .select({
        service: detectorStates.service,
        status: detectorStates.status,
        score: detectorStates.score,
        at: detectorStates.lastBucket,
      })
      .from(detectorStates)
      .where(and(...global)),
    db
      .select({ service: incidents.service, id: incidents.id })
      .from(incidents)
      .where(
        and(
          eq(incidents.status, "open"),
          eq(incidents.region, GLOBAL_REGION),
          eq(incidents.source, ALL_SOURCES),
        ),
      ),
  ]);
  const openByService = new Map(open.map((row) => [row.service, row.id]));
  return new Map(
    states.map((state) => [
      state.service,
      {
        status: state.status,
        score: state.score,
        at: state.at.getTime(),
        openIncidentId: openByService.get(state.service),
      },
    ]),
  );
}

/**
 * Hourly counts of each service over [from, to) (aligned to hours), all regions and sources summed,
 * zeros included: the sparklines of a list. Reads the hour rollup by its primary key, one range per
 * service, so it costs the same with a year of history as with a day.
 */
export async function hourlyCounts(
  db: Db,
  services: string[],
  from: number,
  to: number,
): Promise<Map<string, number[]>> {
  const hours = Math.max(0, Math.round((to - from) / HOUR_MS));
  const result = new Map(services.map((service) => [service, new Array<number>(hours).fill(0)]));
  if (services.length === 0 || hours === 0) return result;
  const rows = await db
    .select({
      service: countsHour.service,
      t: sql<number>`(extract(epoch from ${countsHour.bucket}) * 1000)::float8`.mapWith(Number),
      count: sql<number>`sum(${countsHour.count})::int`.mapWith(Number),
    })
    .from(countsHour)
    .where(
      and(
        inArray(countsHour.service, services),
        gte(countsHour.bucket, new Date(from)),
        lt(countsHour.bucket, new Date(to)),
      ),
    )
    .groupBy(countsHour.service, countsHour.bucket);
  for (const row of rows) {
    const slot = Math.floor((row.t - from) / HOUR_MS);
    const counts = result.get(row.service);
    if (counts && slot >= 0 && slot < hours) counts[slot] = row.count;
  }
  return result;
}
