import { randomUUID } from "node:crypto";
import { alignDown, HOUR_MS, MINUTE_MS, serviceShard } from "@outcry/core";
import {
  ALL_SOURCES,
  type Db,
  detectorStateBuckets,
  GLOBAL_REGION,
  type IncidentRow,
  insertIncident,
  loadDetectorStates,
  openIncidentsBySeries,
  type SeriesStatus,
  type StoredDetectorState,
  saveDetectorStates,
  seriesCountsBetween,
  seriesKey,
  updateIncident,
} from "@outcry/db";
import { type BucketVerdict, SeriesDetector, type SeriesDetectorSnapshot } from "@outcry/detection";
import { sql } from "drizzle-orm";

/** Signal batches land within seconds of a minute's end; a tick judges a minute this much later. */
const SETTLE_MS = 10_000;
/** After downtime a tick replays at most this much history; older gaps are skipped as empty. */
const MAX_CATCH_UP_MS = 6 * HOUR_MS;
/**
 * Every series' state is written at least once in this many ticks, a share of them each tick so the
 * cost is spread; a series whose status or incident changed is written in the tick that changed it.
 * A restart replays at most this many minutes per series from the counts, which are durable.
 */
const SAVE_EVERY_TICKS = 30;
/** Arbitrary key of the advisory lock that lets one tick run at a time across replicas. */
const TICK_LOCK = 7_264_001;
const GLOBAL = GLOBAL_REGION;

export interface IncidentEvent {
  type: "incident.opened" | "incident.updated" | "incident.resolved";
  incidentId: string;
  service: string;
  region: string;
  at: number;
  count: number;
  expected: number;
  score: number;
}

/** A service's whole count for the minute just judged, for live charts. */
export interface MinuteCount {
  service: string;
  count: number;
  expected: number;
  upper: number;
  status: SeriesStatus;
}

/** A service as a whole changed status (ok, possible, problems): for webhooks that want early warnings. */
export interface StatusChange {
  type: "service.status";
  service: string;
  region: string;
  at: number;
  status: SeriesStatus;
  previous: SeriesStatus;
  score: number;
}

export interface TickResult {
  /** The minute judged (its start). */
  bucket: number;
  series: number;
  events: IncidentEvent[];
  statusChanges: StatusChange[];
  /** Every service with signals or an unusual status in that minute (global series only). */
  minute: MinuteCount[];
}

interface Tracked {
  service: string;
  region: string;
  source: string;
  detector: SeriesDetector;
  lastBucket: number;
  status: SeriesStatus;
  score: number;
  dirty: boolean;
  /** Which tick of every SAVE_EVERY_TICKS writes this series' state. */
  saveTurn: number;
}

const detectorOptions = { bucketMs: MINUTE_MS };

/**
 * The part of the series one tick judges: every series of the services whose hash falls in
 * `index` of `count`. A service's regional series stay with its global one, so a regional incident
 * can link to the global incident opened in the same tick.
 */
export interface DetectorShard {
  index: number;
  count: number;
}

export const ALL_SERIES: DetectorShard = { index: 0, count: 1 };

const inShard = (service: string, shard: DetectorShard) => serviceShard(service, shard.count) === shard.index;

/** The service of a seriesKey ("service:region:source"; slugs hold no colon). */
const serviceOfKey = (key: string) => key.slice(0, key.indexOf(":"));

/**
 * The detector tick: once a minute, every active series (each service per region, and each
 * service's global sum) gets the minute that just ended; incidents open, update and resolve in
 * Postgres in the same transaction as the detector states they came from, so a tick that fails or
 * is retried changes nothing twice, and a restarted aggregator replays from the stored states.
 * Detectors stay in memory between ticks; a replica reloads the series another one ticked since.
 */
export class DetectorTick {
  readonly #db: Db;
  readonly #series = new Map<string, Tracked>();
  #ticks = 0;
  /** DETECTOR_SHARDS as last ticked, for flush. */
  #shardCount = 1;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Judges the minute before `now` for the series of `shard` (all of them by default). */
  async run(now: number, shard: DetectorShard = ALL_SERIES): Promise<TickResult> {
    try {
      return await this.#run(now, shard);
    } catch (error) {
      // The detectors in memory moved on, the database did not: forget them, so the next tick
      // reloads the stored states (which match the stored incidents) and replays from there.
      for (const [key, tracked] of this.#series)
        if (inShard(tracked.service, shard)) this.#series.delete(key);
      throw error;
    }
  }

  async #run(now: number, shard: DetectorShard): Promise<TickResult> {
    const target = alignDown(now - SETTLE_MS, MINUTE_MS) - MINUTE_MS;
    return this.#db.transaction(async (tx) => {
      // One tick per shard at a time across replicas; shards tick side by side.
      await tx.execute(sql`select pg_advisory_xact_lock(${TICK_LOCK}, ${shard.index})`);
      await this.#reloadNewer(tx, shard);

      const mine = [...this.#series.values()].filter((tracked) => inShard(tracked.service, shard));
      const known = mine.map((tracked) => tracked.lastBucket);
      const from = Math.max(
        target - MAX_CATCH_UP_MS,
        known.length > 0 ? Math.min(...known) : target - MINUTE_MS,
      );
      const counts = new Map<string, Map<number, number>>();
      for (const row of await seriesCountsBetween(tx, from, target)) {
        if (!inShard(row.service, shard)) continue;
        const key = seriesKey(row.service, row.region, row.source);
        if (!counts.has(key)) counts.set(key, new Map());
        counts.get(key)?.set(row.bucket, row.count);
        if (!this.#series.has(key)) {
          this.#series.set(key, {
            service: row.service,
            region: row.region,
            source: row.source,
            detector: new SeriesDetector(detectorOptions),
            lastBucket: row.bucket - MINUTE_MS,
            status: "ok",
            score: 0,
            dirty: true,
            saveTurn: this.#series.size % SAVE_EVERY_TICKS,
          });
        }
      }

      const open = await openIncidentsBySeries(tx);
      const events: IncidentEvent[] = [];
      const statusChanges: StatusChange[] = [];
      const minute: MinuteCount[] = [];
      // A changed status or incident is shown by the API at once, so it is saved in this tick.
      const changed = new Set<Tracked>();
      // Global series first, so a regional incident opened in the same tick can link to its service's.
      const ordered = [...this.#series.entries()]
        .filter(([, tracked]) => inShard(tracked.service, shard))
        .sort(([, a], [, b]) => Number(b.region === GLOBAL) - Number(a.region === GLOBAL));
      for (const [key, tracked] of ordered) {
        if (tracked.lastBucket >= target) continue;
        const series = counts.get(key);
        const statusBefore = tracked.status;
        const eventsBefore = events.length;
        for (
          let t = Math.max(tracked.lastBucket + MINUTE_MS, from + MINUTE_MS);
          t <= target;
          t += MINUTE_MS
        ) {
          const verdict = tracked.detector.push({ t, count: series?.get(t) ?? 0 });
          tracked.status = verdict.status;
          tracked.score = verdict.score;
          if (verdict.event) events.push(await this.#record(tx, tracked, verdict, open));
          const whole = tracked.region === GLOBAL && tracked.source === ALL_SOURCES;
          if (whole && t === target && (verdict.count > 0 || verdict.status !== "ok")) {
            const { count, expected, upper, status } = verdict;
            minute.push({ service: tracked.service, count, expected, upper, status });
          }
        }
        tracked.lastBucket = target;
        tracked.dirty = true;
        if (tracked.status !== statusBefore || events.length > eventsBefore) changed.add(tracked);
        if (tracked.status !== statusBefore && tracked.region === GLOBAL && tracked.source === ALL_SOURCES) {
          statusChanges.push({
            type: "service.status",
            service: tracked.service,
            region: GLOBAL,
            at: target,
            status: tracked.status,
            previous: statusBefore,
            score: tracked.score,
          });
        }
      }

      this.#ticks += 1;
      this.#shardCount = shard.count;
      const turn = this.#ticks % SAVE_EVERY_TICKS;
      // Only this shard's series: another shard's may have been ticked by another replica since.
      await this.#save(
        tx,
        ordered
          .map(([, tracked]) => tracked)
          .filter((tracked) => tracked.dirty && (changed.has(tracked) || tracked.saveTurn === turn)),
      );
      return { bucket: target, series: ordered.length, events, statusChanges, minute };
    });
  }

  /** Writes every state changed since it was last written (on shutdown), shard by shard under its lock. */
  async flush(): Promise<void> {
    const count = this.#shardCount;
    await this.#db.transaction(async (tx) => {
      // In ascending order, as no tick holds more than one: no deadlock.
      for (let index = 0; index < count; index++) {
        const shard = { index, count };
        await tx.execute(sql`select pg_advisory_xact_lock(${TICK_LOCK}, ${index})`);
        await this.#save(
          tx,
          [...this.#series.values()].filter((tracked) => tracked.dirty && inShard(tracked.service, shard)),
        );
      }
    });
  }

  async #reloadNewer(db: Db, shard: DetectorShard): Promise<void> {
    const stored = await detectorStateBuckets(db);
    const newer = [...stored].filter(
      ([key, bucket]) =>
        inShard(serviceOfKey(key), shard) &&
        bucket > (this.#series.get(key)?.lastBucket ?? Number.NEGATIVE_INFINITY),
    );
    for (const state of await loadDetectorStates(
      db,
      newer.map(([key]) => key),
    )) {
      this.#series.set(seriesKey(state.service, state.region, state.source), {
        service: state.service,
        region: state.region,
        source: state.source,
        detector: SeriesDetector.restore(detectorOptions, state.state as SeriesDetectorSnapshot),
        lastBucket: state.lastBucket,
        status: state.status,
        score: state.score,
        dirty: false,
        saveTurn: this.#series.size % SAVE_EVERY_TICKS,
      });
    }
  }

  async #save(db: Db, dirty: Tracked[]): Promise<void> {
    const states: StoredDetectorState[] = dirty.map((tracked) => ({
      service: tracked.service,
      region: tracked.region,
      source: tracked.source,
      lastBucket: tracked.lastBucket,
      state: tracked.detector.snapshot(),
      status: tracked.status,
      score: tracked.score,
    }));
    await saveDetectorStates(db, states);
    for (const tracked of dirty) tracked.dirty = false;
  }

  async #record(
    db: Db,
    tracked: Tracked,
    verdict: BucketVerdict,
    open: Map<string, IncidentRow>,
  ): Promise<IncidentEvent> {
    const key = seriesKey(tracked.service, tracked.region, tracked.source);
    const incident = verdict.incident;
    if (!incident) throw new Error("a verdict with an event carries its incident");
    let id = open.get(key)?.id;
    if (verdict.event === "opened" || !id) {
      id = randomUUID();
      const global =
        tracked.region === GLOBAL ? undefined : open.get(seriesKey(tracked.service, GLOBAL, ALL_SOURCES));
      const row = {
        id,
        service: tracked.service,
        region: tracked.region,
        source: tracked.source,
        status: "open" as const,
        startedAt: new Date(incident.startedAt),
        detectedAt: new Date(incident.detectedAt),
        peakAt: new Date(incident.peakAt),
        peakCount: Math.round(incident.peakCount),
        peakExpected: incident.peakExpected,
        peakScore: incident.peakScore,
        globalIncidentId: global?.id ?? null,
        resolvedAt: null,
        updatedAt: new Date(),
      };
      await insertIncident(db, row);
      open.set(key, row);
      if (tracked.region === GLOBAL) {
        // Regional incidents already open belong to this global one.
        for (const [otherKey, other] of open) {
          if (other.service === tracked.service && other.region !== GLOBAL && !other.globalIncidentId) {
            await updateIncident(db, other.id, { globalIncidentId: id });
            open.set(otherKey, { ...other, globalIncidentId: id });
          }
        }
      }
    }
    const changes = {
      peakAt: new Date(incident.peakAt),
      peakCount: Math.round(incident.peakCount),
      peakExpected: incident.peakExpected,
      peakScore: incident.peakScore,
      ...(verdict.event === "resolved"
        ? { status: "resolved" as const, resolvedAt: new Date(incident.resolvedAt ?? verdict.t) }
        : {}),
    };
    if (verdict.event !== "opened") await updateIncident(db, id, changes);
    if (verdict.event === "resolved") open.delete(key);
    return {
      type: `incident.${verdict.event ?? "updated"}`,
      incidentId: id,
      service: tracked.service,
      region: tracked.region,
      at: verdict.t,
      count: verdict.count,
      expected: verdict.expected,
      score: verdict.score,
    };
  }
}
