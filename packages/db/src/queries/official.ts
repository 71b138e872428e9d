import type { OfficialChangeKind } from "@outcry/core";
import { and, asc, gte, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { type DocumentValidators, officialChanges, officialSources } from "../schema/index.ts";

export type OfficialSourceKind = "statuspage" | "feed" | "bluesky";
export type { OfficialChangeKind };

/** One thing a provider said, as packages/official derives it from a page, feed or account. */
export interface NewOfficialChange {
  naturalKey: string;
  kind: OfficialChangeKind;
  /** The provider's time, epoch ms. */
  at: number;
  status?: string | undefined;
  componentId?: string | undefined;
  componentName?: string | undefined;
  componentGroup?: string | undefined;
  incidentId?: string | undefined;
  updateId?: string | undefined;
  title?: string | undefined;
  body?: string | undefined;
  impact?: string | undefined;
  components?: string[] | undefined;
  url?: string | undefined;
}

export interface OfficialChangeRow extends NewOfficialChange {
  id: number;
  source: string;
  observedAt: number;
}

export interface OfficialSourceRow {
  key: string;
  kind: OfficialSourceKind;
  validators: DocumentValidators;
  state: unknown;
  checkedAt: number | undefined;
  succeededAt: number | undefined;
  lastError: string | undefined;
  lastErrorAt: number | undefined;
  failures: number;
  stale: boolean;
}

/** What the poller keeps of each source between rounds and across restarts. */
export async function loadOfficialSources(db: Db, keys?: string[]): Promise<OfficialSourceRow[]> {
  const rows = await db
    .select()
    .from(officialSources)
    .where(keys ? inArray(officialSources.key, keys) : undefined)
    .orderBy(asc(officialSources.key));
  return rows.map((row) => ({
    key: row.key,
    kind: row.kind,
    validators: row.validators,
    state: row.state ?? undefined,
    checkedAt: row.checkedAt?.getTime(),
    succeededAt: row.succeededAt?.getTime(),
    lastError: row.lastError ?? undefined,
    lastErrorAt: row.lastErrorAt?.getTime(),
    failures: row.failures,
    stale: row.stale,
  }));
}

export interface OfficialReading {
  key: string;
  kind: OfficialSourceKind;
  validators: DocumentValidators;
  /** The new normalized state; undefined when nothing changed (every document answered 304). */
  state?: unknown;
  changes: NewOfficialChange[];
  /** When the reading finished, epoch ms. */
  at: number;
}

/**
 * A successful reading: the source's state, validators and health, and the changes it revealed,
 * in one transaction, so a crash between the two can neither lose a change nor, since the state
 * it was diffed against is saved with it, derive it twice. A change already recorded (same
 * source and natural key) is skipped. Returns the natural keys of the changes that were new.
 */
export async function recordOfficialReading(db: Db, reading: OfficialReading): Promise<string[]> {
  const at = new Date(reading.at);
  const health = {
    validators: reading.validators,
    checkedAt: at,
    succeededAt: at,
    failures: 0,
    stale: false,
    ...(reading.state !== undefined ? { state: reading.state } : {}),
  };
  const saveSource = (target: Db) =>
    target
      .insert(officialSources)
      .values({ key: reading.key, kind: reading.kind, ...health })
      .onConflictDoUpdate({ target: officialSources.key, set: { kind: reading.kind, ...health } });
  // Most readings are 304s or change nothing: one statement, no transaction's extra round trips.
  if (reading.changes.length === 0) {
    await saveSource(db);
    return [];
  }
  return db.transaction(async (tx) => {
    await saveSource(tx);
    const inserted = await tx
      .insert(officialChanges)
      .values(
        reading.changes.map((change) => ({
          source: reading.key,
          naturalKey: change.naturalKey,
          kind: change.kind,
          at: new Date(change.at),
          observedAt: at,
          status: change.status ?? null,
          componentId: change.componentId ?? null,
          componentName: change.componentName ?? null,
          componentGroup: change.componentGroup ?? null,
          incidentId: change.incidentId ?? null,
          updateId: change.updateId ?? null,
          title: change.title ?? null,
          body: change.body ?? null,
          impact: change.impact ?? null,
          components: change.components ?? null,
          url: change.url ?? null,
        })),
      )
      .onConflictDoNothing({ target: [officialChanges.source, officialChanges.naturalKey] })
      .returning({ naturalKey: officialChanges.naturalKey });
    return inserted.map((row) => row.naturalKey);
  });
}

/**
 * A failed reading: counts it and keeps its description; the last good state stays. The source
 * turns stale once its last success (or, never read, its first attempt) is older than `staleMs`.
 * Returns whether it is stale now.
 */
export async function recordOfficialFailure(
  db: Db,
  failure: { key: string; kind: OfficialSourceKind; error: string; at: number; staleMs: number },
): Promise<boolean> {
  const at = new Date(failure.at);
  // As text: a Date inside a raw sql fragment is not serialized by postgres.js.
  const cutoff = new Date(failure.at - failure.staleMs).toISOString();
  const rows = await db
    .insert(officialSources)
    .values({
      key: failure.key,
      kind: failure.kind,
      checkedAt: at,
      lastError: failure.error,
      lastErrorAt: at,
      failures: 1,
      stale: failure.staleMs <= 0,
    })
    .onConflictDoUpdate({
      target: officialSources.key,
      set: {
        checkedAt: at,
        lastError: failure.error,
        lastErrorAt: at,
        failures: sql`${officialSources.failures} + 1`,
        stale: sql`coalesce(${officialSources.succeededAt}, ${officialSources.createdAt}) <= ${cutoff}::timestamptz`,
      },
    })
    .returning({ stale: officialSources.stale });
  return rows[0]?.stale ?? false;
}

export interface OfficialChangesQuery {
  sources: string[];
  /** Provider time, epoch ms, inclusive. */
  from?: number;
  /** Provider time, epoch ms, exclusive. */
  to?: number;
}

/** Changes of the given sources, oldest first (by the provider's time, then as recorded). */
export async function listOfficialChanges(db: Db, query: OfficialChangesQuery): Promise<OfficialChangeRow[]> {
  if (query.sources.length === 0) return [];
  const conditions = [inArray(officialChanges.source, query.sources)];
  if (query.from !== undefined) conditions.push(gte(officialChanges.at, new Date(query.from)));
  if (query.to !== undefined) conditions.push(lt(officialChanges.at, new Date(query.to)));
  const rows = await db
    .select()
    .from(officialChanges)
    .where(and(...conditions))
    .orderBy(asc(officialChanges.at), asc(officialChanges.id));
  return rows.map((row) => ({
    id: row.id,
    source: row.source,
    naturalKey: row.naturalKey,
    kind: row.kind,
    at: row.at.getTime(),
    observedAt: row.observedAt.getTime(),
    ...defined({
      status: row.status,
      componentId: row.componentId,
      componentName: row.componentName,
      componentGroup: row.componentGroup,
      incidentId: row.incidentId,
      updateId: row.updateId,
      title: row.title,
      body: row.body,
      impact: row.impact,
      components: row.components,
      url: row.url,
    }),
  }));
}

/** The entries whose value is not null, so optional fields stay absent rather than null. */
function defined<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null)) as {
    [K in keyof T]?: NonNullable<T[K]>;
  };
}
