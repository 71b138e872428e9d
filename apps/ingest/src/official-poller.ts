import { setTimeout as sleep } from "node:timers/promises";
import { AtpAgent } from "@atproto/api";
import { type CatalogIndex, type OfficialSource, officialSourceKey } from "@outcry/core";
import {
  type Db,
  loadOfficialSources,
  type NewOfficialChange,
  recordOfficialFailure,
  recordOfficialReading,
} from "@outcry/db";
import { OfficialParseError } from "@outcry/official";
import type { Logger } from "pino";
import { FetchProblem, fetchDocument } from "./official-fetch.ts";
import type { OfficialMetrics } from "./official-metrics.ts";
import { readOfficialSource, type StoredSource } from "./official-source-reader.ts";

/** One source to read, and the services that name it (a page may stand for several). */
export interface OfficialTarget {
  key: string;
  source: OfficialSource;
  services: string[];
}

export interface OfficialPollerOptions {
  db: Db;
  catalog: () => CatalogIndex;
  intervalMs: number;
  /** Least time between the end of one request to a host and the start of the next. */
  hostIntervalMs: number;
  staleMs: number;
  /** XRPC service whose app.bsky.feed.getAuthorFeed reads official accounts. */
  blueskyService: string;
  logger: Logger;
  metrics: OfficialMetrics;
  /** Per request, headers and body. Default 10 s. */
  timeoutMs?: number;
  /** Default 3. */
  maxRedirects?: number;
  /** Readings in flight at once, across hosts. Default 16. */
  concurrency?: number;
  /** Longest wait after failures. Default 30 minutes. */
  maxBackoffMs?: number;
  /** Told of the changes a reading recorded for the first time, in the provider's order. */
  onChanges?: (target: OfficialTarget, changes: NewOfficialChange[]) => Promise<void>;
}

interface Scheduled {
  target: OfficialTarget;
  host: string;
  nextAt: number;
  failures: number;
  stale: boolean;
  stored: StoredSource | undefined;
}

const USER_AGENT = "Outcry/1 (self-hosted outage detector; official status poller)";
// Never wait longer than this for a Retry-After: a provider asking for a day is treated as an hour.
const MAX_RETRY_AFTER_MS = 60 * 60_000;
// Changes logged one by one per reading; more are summed up.
const LOGGED_CHANGES = 5;
// The scheduler looks again at least this often, so a catalog change or stop is noticed quickly.
const MAX_IDLE_MS = 1_000;

/**
 * Reads every official source the catalog names, each once per interval: conditional requests
 * (ETag, Last-Modified), one request at a time per host with a pause between, a timeout and a
 * redirect limit per request, exponential backoff after failures that honours Retry-After. Each
 * reading's state and changes go to Postgres in one transaction (changes deduplicated by their
 * natural keys); a failure is logged with the services and URL, counted, and retried later, and
 * the last good state stays, marked stale after `staleMs`.
 */
export class OfficialPoller {
  readonly #options: OfficialPollerOptions;
  readonly #stop = new AbortController();
  readonly #scheduled = new Map<string, Scheduled>();
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #hostBusy = new Set<string>();
  readonly #hostFreeAt = new Map<string, number>();
  #catalog: CatalogIndex | undefined;
  #agent: AtpAgent | undefined;
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: OfficialPollerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Stops scheduling, aborts requests in flight and waits for them. Safe to call twice. */
  async close(): Promise<void> {
    this.#stop.abort();
    this.#wake?.();
    await this.#running;
  }

  /** The sources read now, for logs and tests. */
  targets(): OfficialTarget[] {
    return [...this.#scheduled.values()].map((entry) => entry.target);
  }

  async #run(): Promise<void> {
    const { logger } = this.#options;
    const signal = this.#stop.signal;
    // What was stored before a restart: validators for conditional requests, state to diff against.
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        this.#sync(await loadOfficialSources(this.#options.db));
        break;
      } catch (error) {
        logger.warn({ err: error }, "official sources: cannot load their stored state; retrying");
        await sleep(Math.min(30_000, 1_000 * 2 ** attempt), undefined, { signal }).catch(() => undefined);
      }
    }
    while (!signal.aborted) {
      this.#sync();
      const now = Date.now();
      this.#dispatch(now);
      const waitMs = Math.max(5, Math.min(MAX_IDLE_MS, this.#nextEventAt() - Date.now()));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    await Promise.allSettled(this.#inFlight.values());
  }

  /** Brings the schedule in line with the catalog: new sources due now, removed ones dropped. */
  #sync(stored?: Awaited<ReturnType<typeof loadOfficialSources>>): void {
    const catalog = this.#options.catalog();
    if (catalog === this.#catalog && !stored) return;
    this.#catalog = catalog;
    const targets = officialTargets(catalog);
    const storedByKey = new Map(stored?.map((row) => [row.key, row]));
    for (const key of this.#scheduled.keys()) if (!targets.has(key)) this.#scheduled.delete(key);
    for (const target of targets.values()) {
      const entry = this.#scheduled.get(target.key);
      if (entry) {
        entry.target = target;
        continue;
      }
      const row = storedByKey.get(target.key);
      this.#scheduled.set(target.key, {
        target,
        host: hostOf(target.source, this.#options.blueskyService),
        nextAt: Date.now(),
        failures: row?.failures ?? 0,
        stale: row?.stale ?? false,
        stored:
          row && row.kind === target.source.kind
            ? { validators: row.validators, state: row.state }
            : undefined,
      });
    }
    this.#options.metrics.sources.set(this.#scheduled.size);
    this.#updateStaleGauge();
  }

  #dispatch(now: number): void {
    const concurrency = this.#options.concurrency ?? 16;
    const due = [...this.#scheduled.values()]
      .filter((entry) => entry.nextAt <= now && !this.#inFlight.has(entry.target.key))
      .sort((a, b) => a.nextAt - b.nextAt);
    for (const entry of due) {
      if (this.#inFlight.size >= concurrency) break;
      if (this.#hostBusy.has(entry.host) || (this.#hostFreeAt.get(entry.host) ?? 0) > now) continue;
      this.#hostBusy.add(entry.host);
      const key = entry.target.key;
      const poll = this.#poll(entry)
        .catch((error) =>
          this.#options.logger.error({ err: error, url: key }, "official poll failed unexpectedly"),
        )
        .finally(() => {
          this.#inFlight.delete(key);
          this.#hostBusy.delete(entry.host);
          this.#hostFreeAt.set(
            entry.host,
            Math.max(this.#hostFreeAt.get(entry.host) ?? 0, Date.now() + this.#options.hostIntervalMs),
          );
          this.#wake?.();
        });
      this.#inFlight.set(key, poll);
    }
  }

  /** When the scheduler next has something to do: a source due whose host is free. */
  #nextEventAt(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.#scheduled.values()) {
      if (this.#inFlight.has(entry.target.key)) continue;
      next = Math.min(next, Math.max(entry.nextAt, this.#hostFreeAt.get(entry.host) ?? 0));
    }
    return next;
  }

  async #poll(entry: Scheduled): Promise<void> {
    const { target } = entry;
    const { logger, metrics, db, intervalMs } = this.#options;
    const kind = target.source.kind;
    const url = target.key;
    const log = { services: target.services, url, kind };
    const started = performance.now();
    let reading: Awaited<ReturnType<typeof readOfficialSource>>;
    try {
      reading = await readOfficialSource(target.source, entry.stored, {
        fetch: (documentUrl, validators, accept) =>
          fetchDocument(documentUrl, validators, {
            accept,
            timeoutMs: this.#options.timeoutMs ?? 10_000,
            maxRedirects: this.#options.maxRedirects ?? 3,
            signal: this.#stop.signal,
            userAgent: USER_AGENT,
          }),
        between: () =>
          sleep(this.#options.hostIntervalMs, undefined, { signal: this.#stop.signal }).catch(
            () => undefined,
          ),
        bluesky: () => {
          this.#agent ??= new AtpAgent({ service: this.#options.blueskyService });
          return this.#agent;
        },
      });
    } catch (error) {
      if (this.#stop.signal.aborted) return;
      await this.#failed(entry, error, log);
      return;
    } finally {
      metrics.duration.observe({ kind }, (performance.now() - started) / 1000);
    }

    const now = Date.now();
    try {
      const inserted = await recordOfficialReading(db, {
        key: url,
        kind,
        validators: reading.validators,
        ...(reading.state !== undefined ? { state: reading.state } : {}),
        changes: reading.changes,
        at: now,
      });
      entry.stored = {
        validators: reading.validators,
        state: reading.state ?? entry.stored?.state,
      };
      if (entry.stale) logger.info(log, "official source readable again");
      entry.failures = 0;
      entry.stale = false;
      entry.nextAt = now + intervalMs;
      this.#updateStaleGauge();
      metrics.polls.inc({ kind, result: reading.state === undefined ? "not_modified" : "ok" });
      metrics.changes.inc({ kind }, inserted.length);
      const fresh = new Set(inserted);
      // A first reading may bring a page's whole history (50 incidents and their updates): the
      // first few are logged one by one, the rest counted in one line.
      let logged = 0;
      for (const change of reading.changes) {
        if (!fresh.has(change.naturalKey) || logged++ >= LOGGED_CHANGES) continue;
        logger.info(
          {
            ...log,
            change: change.kind,
            at: new Date(change.at).toISOString(),
            status: change.status,
            title: change.title ?? change.componentName,
          },
          "official change",
        );
      }
      if (fresh.size > LOGGED_CHANGES) {
        logger.info({ ...log, more: fresh.size - LOGGED_CHANGES }, "more official changes recorded");
      }
      if (fresh.size > 0 && this.#options.onChanges) {
        const recorded = reading.changes
          .filter((change) => fresh.has(change.naturalKey))
          .sort((a, b) => a.at - b.at);
        // Stored already: telling others is best effort, and must not fail the reading.
        await this.#options
          .onChanges(entry.target, recorded)
          .catch((error: unknown) => logger.warn({ ...log, err: error }, "official changes not announced"));
      }
      for (const move of reading.moved) {
        logger.warn(
          { ...log, from: move.from, to: move.to },
          "official source moved permanently; update the catalog",
        );
      }
    } catch (error) {
      // The reading is not saved: the next one diffs against the same stored state, so nothing is lost.
      metrics.polls.inc({ kind, result: "store_error" });
      logger.warn(
        { ...log, err: error },
        "official source read, but its changes could not be stored; will retry",
      );
      entry.nextAt = now + Math.min(intervalMs, 30_000);
    }
  }

  async #failed(entry: Scheduled, error: unknown, log: Record<string, unknown>): Promise<void> {
    const { logger, metrics, db, intervalMs, staleMs } = this.#options;
    const kind = entry.target.source.kind;
    const problem =
      error instanceof FetchProblem
        ? error
        : error instanceof OfficialParseError
          ? new FetchProblem("invalid", error.message)
          : new FetchProblem("network", error instanceof Error ? error.message : String(error));
    metrics.polls.inc({ kind, result: problem.result });
    entry.failures++;
    const now = Date.now();
    const backoff = Math.min(
      this.#options.maxBackoffMs ?? 30 * 60_000,
      intervalMs * 2 ** Math.min(entry.failures - 1, 16),
    );
    const retryAfterMs = Math.min(problem.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
    // A little jitter, so sources that failed together do not retry together.
    const waitMs = Math.max(backoff * (0.9 + Math.random() * 0.2), retryAfterMs);
    entry.nextAt = now + waitMs;
    if (problem.result === "rate_limited" && retryAfterMs > 0) {
      // A rate limit is the host's: every source on it waits.
      this.#hostFreeAt.set(entry.host, Math.max(this.#hostFreeAt.get(entry.host) ?? 0, now + retryAfterMs));
    }
    logger.warn(
      {
        ...log,
        result: problem.result,
        error: problem.message,
        failures: entry.failures,
        retryInMs: Math.round(waitMs),
      },
      "official source could not be read; keeping its last good state",
    );
    try {
      const stale = await recordOfficialFailure(db, {
        key: entry.target.key,
        kind,
        error: `${problem.result}: ${problem.message}`,
        at: now,
        staleMs,
      });
      if (stale && !entry.stale)
        logger.warn({ ...log, failures: entry.failures }, "official source is stale");
      entry.stale = stale;
      this.#updateStaleGauge();
    } catch (storeError) {
      logger.warn({ ...log, err: storeError }, "could not record an official source's failure");
    }
  }

  #updateStaleGauge(): void {
    let stale = 0;
    for (const entry of this.#scheduled.values()) if (entry.stale) stale++;
    this.#options.metrics.stale.set(stale);
  }
}

/** Every source the catalog names, once each, with the services naming it. */
export function officialTargets(catalog: CatalogIndex): Map<string, OfficialTarget> {
  const targets = new Map<string, OfficialTarget>();
  for (const service of catalog.list()) {
    for (const source of service.official ?? []) {
      const key = officialSourceKey(source);
      const target = targets.get(key);
      if (target) target.services.push(service.slug);
      else targets.set(key, { key, source, services: [service.slug] });
    }
  }
  return targets;
}

/** Requests are paced per host; every official account is read from the one XRPC service. */
function hostOf(source: OfficialSource, blueskyService: string): string {
  return new URL(source.kind === "bluesky" ? blueskyService : source.url).host;
}
