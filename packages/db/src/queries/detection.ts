import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { ALL_SOURCES, detectorStates, GLOBAL_REGION, incidents } from "../schema/index.ts";
import { arrayParam, executeRows } from "./raw-sql.ts";

/** A series' count in one minute bucket. Region "*" with source "all" is the service's global series. */
export interface SeriesCount {
  service: string;
  region: string;
  source: string;
  bucket: number;
  count: number;
}

/**
 * Counts per (service, region, source) and per service over every region and source, for buckets
 * in (from, to]. One pass over the minute counts with grouping sets.
 */
export async function seriesCountsBetween(db: Db, from: number, to: number): Promise<SeriesCount[]> {
  const rows = await executeRows<{
    service: string;
    region: string;
    source: string;
    bucket: number;
    count: number;
  }>(
    db,
    sql`
      select service,
             case when grouping(region) = 1 then ${GLOBAL_REGION} else region end as region,
             case when grouping(source) = 1 then ${ALL_SOURCES} else source::text end as source,
             (extract(epoch from bucket) * 1000)::float8 as bucket,
             sum(count)::int as count
      from counts_minute
      where bucket > ${new Date(from).toISOString()}::timestamptz and bucket <= ${new Date(to).toISOString()}::timestamptz
      group by grouping sets ((service, region, source, bucket), (service, bucket))`,
  );
  return rows.map((row) => ({ ...row, bucket: Number(row.bucket), count: Number(row.count) }));
}

export type SeriesStatus = "ok" | "possible" | "problems";

export interface StoredDetectorState {
  service: string;
  region: string;
  source: string;
  lastBucket: number;
  state: unknown;
  status: SeriesStatus;
  score: number;
}

/** Newest bucket of every stored detector state (without the states themselves). */
export async function detectorStateBuckets(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .select({
      service: detectorStates.service,
      region: detectorStates.region,
      source: detectorStates.source,
      lastBucket: detectorStates.lastBucket,
    })
    .from(detectorStates);
  return new Map(
    rows.map((row) => [seriesKey(row.service, row.region, row.source), row.lastBucket.getTime()]),
  );
}

/** The stored states of the given series. */
export async function loadDetectorStates(db: Db, keys: string[]): Promise<StoredDetectorState[]> {
  if (keys.length === 0) return [];
  const rows = await executeRows<{
    service: string;
    region: string;
    source: string;
    last_bucket: Date | string;
    state: unknown;
    status: SeriesStatus;
    score: number;
  }>(
    db,
    sql`select service, region, source, last_bucket, state, status, score from ${detectorStates}
        where service || ':' || region || ':' || source = any(${sql.param(keys)}::text[])`,
  );
  return rows.map((row) => ({
    service: row.service,
    region: row.region,
    source: row.source,
    lastBucket: new Date(row.last_bucket).getTime(),
    state: typeof row.state === "string" ? JSON.parse(row.state) : row.state,
    status: row.status,
    score: Number(row.score),
  }));
}

/**
 * A service's status as its global series last showed it, and its open global incident, if any.
 * Undefined when the service has never been ticked.
 */
export async function serviceStatus(
  db: Db,
  service: string,
): Promise<
  { status: SeriesStatus; score: number; at: number; openIncident: IncidentRow | undefined } | undefined
> {
  const [state] = await db
    .select({ status: detectorStates.status, score: detectorStates.score, at: detectorStates.lastBucket })
    .from(detectorStates)
    .where(
      and(
        eq(detectorStates.service, service),
        eq(detectorStates.region, GLOBAL_REGION),
        eq(detectorStates.source, ALL_SOURCES),
      ),
    );
  if (!state) return undefined;
  const [open] = await db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.service, service),
        eq(incidents.region, GLOBAL_REGION),
        eq(incidents.source, ALL_SOURCES),
        eq(incidents.status, "open"),
      ),
    );
  return { status: state.status, score: state.score, at: state.at.getTime(), openIncident: open };
}

/** One series' stored detector state, if it has one. */
export async function getDetectorState(
  db: Db,
  service: string,
  region: string,
  source: string,
): Promise<unknown> {
  const [row] = await db
    .select({ state: detectorStates.state })
    .from(detectorStates)
    .where(
      and(
        eq(detectorStates.service, service),
        eq(detectorStates.region, region),
        eq(detectorStates.source, source),
      ),
    );
  return row?.state;
}

/** Writes detector states, replacing older ones of the same series. */
export async function saveDetectorStates(db: Db, states: StoredDetectorState[]): Promise<void> {
  if (states.length === 0) return;
  await db.execute(sql`
    insert into ${detectorStates} (service, region, source, last_bucket, state, status, score, updated_at)
    select service, region, source, to_timestamp(last_ms / 1000.0), state::jsonb, status, score, now()
    from unnest(
      ${arrayParam(states.map((entry) => entry.service))}::text[],
      ${arrayParam(states.map((entry) => entry.region))}::text[],
      ${arrayParam(states.map((entry) => entry.source))}::text[],
      ${arrayParam(states.map((entry) => entry.lastBucket))}::float8[],
      ${arrayParam(states.map((entry) => JSON.stringify(entry.state)))}::text[],
      ${arrayParam(states.map((entry) => entry.status))}::text[],
      ${arrayParam(states.map((entry) => entry.score))}::float8[]
    ) as t(service, region, source, last_ms, state, status, score)
    on conflict (service, region, source) do update
      set last_bucket = excluded.last_bucket, state = excluded.state, status = excluded.status,
          score = excluded.score, updated_at = excluded.updated_at
      -- A replica saving late (on shutdown) must not put back a state another one has moved past.
      where ${detectorStates}.last_bucket <= excluded.last_bucket`);
}

/** "service:region:source", the key series go by. */
export function seriesKey(service: string, region: string, source: string): string {
  return `${service}:${region}:${source}`;
}

export type IncidentRow = typeof incidents.$inferSelect;
export type NewIncident = typeof incidents.$inferInsert;

/** Open incidents, by series key. */
export async function openIncidentsBySeries(db: Db): Promise<Map<string, IncidentRow>> {
  const rows = await db.select().from(incidents).where(eq(incidents.status, "open"));
  return new Map(rows.map((row) => [seriesKey(row.service, row.region, row.source), row]));
}

export async function insertIncident(db: Db, incident: NewIncident): Promise<void> {
  await db.insert(incidents).values(incident);
}

export async function updateIncident(db: Db, id: string, changes: Partial<NewIncident>): Promise<void> {
  await db
    .update(incidents)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(incidents.id, id));
}

export interface IncidentFilter {
  service?: string | undefined;
  region?: string | undefined;
  source?: string | undefined;
  status?: "open" | "resolved" | undefined;
  /** Incidents that started before `to` and were still open at or after `from`. */
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

/** Incidents matching the filter, newest start first. */
export async function listIncidents(db: Db, filter: IncidentFilter): Promise<IncidentRow[]> {
  const conditions: SQL[] = [];
  if (filter.service) conditions.push(eq(incidents.service, filter.service));
  if (filter.region) conditions.push(eq(incidents.region, filter.region));
  if (filter.source) conditions.push(eq(incidents.source, filter.source));
  if (filter.status) conditions.push(eq(incidents.status, filter.status));
  if (filter.to !== undefined) conditions.push(lt(incidents.startedAt, new Date(filter.to)));
  if (filter.from !== undefined) {
    conditions.push(
      sql`(${incidents.resolvedAt} is null or ${gte(incidents.resolvedAt, new Date(filter.from))})`,
    );
  }
  return db
    .select()
    .from(incidents)
    .where(and(...conditions))
    .orderBy(desc(incidents.startedAt))
    .limit(filter.limit);
}

export async function getIncident(db: Db, id: string): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(incidents).where(eq(incidents.id, id));
  return row;
}

export interface Share {
  key: string;
  count: number;
  share: number;
}

/**
 * What an incident was made of, between `from` and `to`: the problem types people reported (from
 * the stored reports) and, for a global incident, the regions the signals came from.
 */
export async function incidentComposition(
  db: Db,
  options: { service: string; region: string; from: number; to: number; top: number },
): Promise<{ problems: Share[]; regions: Share[] }> {
  const from = new Date(options.from).toISOString();
  const to = new Date(options.to).toISOString();
  const regional = options.region !== GLOBAL_REGION;
  // Each row carries the total over every group (a window over the grouped rows, computed before
  // the limit), so one query gives both the top entries and their shares.
  const problems = await executeRows<ShareRow>(
    db,
    sql`select problem as key, count(*)::int as count, (sum(count(*)) over ())::int as total from reports
        where service = ${options.service}
          and reported_at >= ${from}::timestamptz and reported_at < ${to}::timestamptz
          ${regional ? sql`and region = ${options.region}` : sql``}
        group by problem order by count desc, problem limit ${options.top}`,
  );
  const regions = regional
    ? []
    : await executeRows<ShareRow>(
        db,
        sql`select region as key, sum(count)::int as count, (sum(sum(count)) over ())::int as total
            from counts_minute
            where service = ${options.service} and bucket >= ${from}::timestamptz and bucket < ${to}::timestamptz
            group by region order by count desc, region limit ${options.top}`,
      );
  return { problems: problems.map(toShare), regions: regions.map(toShare) };
}

type ShareRow = { key: string; count: number; total: number };

function toShare(row: ShareRow): Share {
  const count = Number(row.count);
  const total = Number(row.total);
  return { key: row.key, count, share: total > 0 ? count / total : 0 };
}
