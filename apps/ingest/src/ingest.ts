import type { CatalogIndex, Config } from "@outcry/core";
import {
  type Database,
  loadIngestCursor,
  type NewOfficialChange,
  saveIngestCursor,
  servicesWithProblems,
} from "@outcry/db";
import { appendLiveEvent, type RedisClient, ShardedSignalBatcher } from "@outcry/queue";
import { trainedPipeline } from "@outcry/text";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { createIngestMetrics } from "./ingest-metrics.ts";
import { JetstreamClient } from "./jetstream-client.ts";
import { createOfficialMetrics } from "./official-metrics.ts";
import { OfficialPoller, type OfficialTarget } from "./official-poller.ts";
import { PostCollector } from "./post-collector.ts";
import { SearchPoller } from "./search-poller.ts";

export interface IngestOptions {
  config: Config;
  database: Database;
  /** Fail-fast producer connection: a post that cannot be queued is replayed, never dropped. */
  redis: RedisClient;
  catalog: () => CatalogIndex;
  logger: Logger;
  registry?: Registry;
}

export interface Ingest {
  /** What it reads, for start-up logs: "jetstream wss://…; search https://… every 60 s". */
  readonly description: string;
  /** Rebuilds the text pipeline's matching for a changed catalog (new services, aliases, keywords). */
  catalogChanged(): void;
  /** Stops reading, waits for queued posts, saves the cursor. Safe to call twice. */
  close(): Promise<void>;
}

export const JETSTREAM_CURSOR = "jetstream";
// With no saved position, search starts this far back.
const SEARCH_LOOKBACK_MS = 15 * 60_000;

/** Starts the ingest role: Jetstream live path and search poller, both into the signals queue. */
export async function startIngest(options: IngestOptions): Promise<Ingest> {
  const { config, database, logger: parent } = options;
  const logger = parent.child({ component: "ingest" });
  const metrics = createIngestMetrics(options.registry);
  const started = performance.now();
  // Kept in DATA_DIR: a restarted ingest skips the seconds of training (see trainedPipeline).
  const pipeline = trainedPipeline(options.catalog().list(), { cacheDir: config.dataDir });
  logger.info({ ms: Math.round(performance.now() - started) }, "text pipeline ready");

  const batcher = new ShardedSignalBatcher(options.redis, {
    prefix: config.queuePrefix,
    shards: config.signalShards,
    maxInFlight: config.intakeBatchInFlight,
    maxSize: config.intakeBatchMaxSize,
    onQueueError: (error) => logger.warn({ err: error }, "signals queue: redis error"),
  });
  const collector = new PostCollector(pipeline, batcher, metrics);

  const jetstream = config.jetstreamUrl
    ? new JetstreamClient({
        url: config.jetstreamUrl,
        loadCursor: () => loadIngestCursor(database.db, JETSTREAM_CURSOR),
        saveCursor: (cursor) => saveIngestCursor(database.db, JETSTREAM_CURSOR, cursor),
        onPost: (post) => collector.collect(post, "jetstream"),
        logger: logger.child({ collector: "jetstream" }),
        metrics,
      })
    : undefined;
  jetstream?.start();
  if (!jetstream) logger.info("jetstream off (BLUESKY_JETSTREAM_URL=off)");

  const search =
    config.searchIntervalMs > 0
      ? new SearchPoller({
          service: config.blueskyService,
          identifier: config.blueskyIdentifier,
          appPassword: config.blueskyAppPassword,
          intervalMs: config.searchIntervalMs,
          targets: async () => {
            const slugs = await servicesWithProblems(database.db, Date.now() - SEARCH_LOOKBACK_MS);
            return slugs.flatMap((slug) => {
              const service = options.catalog().get(slug);
              return service ? [{ service: slug, query: service.name }] : [];
            });
          },
          // Fill the live path's gap: from its saved cursor when there is one.
          startFrom: async () => {
            const cursor = await loadIngestCursor(database.db, JETSTREAM_CURSOR);
            const recent = Date.now() - SEARCH_LOOKBACK_MS;
            return cursor === undefined
              ? recent
              : Math.max(Math.floor(cursor / 1000), Date.now() - config.postsRetentionMs);
          },
          onPost: (post) => collector.collect(post, "search"),
          logger: logger.child({ collector: "search" }),
          metrics,
        })
      : undefined;
  search?.start();

  const official =
    config.officialIntervalMs > 0
      ? new OfficialPoller({
          db: database.db,
          catalog: options.catalog,
          intervalMs: config.officialIntervalMs,
          hostIntervalMs: config.officialHostIntervalMs,
          staleMs: config.officialStaleMs,
          blueskyService: config.blueskyService,
          logger: logger.child({ collector: "official" }),
          metrics: createOfficialMetrics(options.registry),
          onChanges: (target, changes) =>
            announceOfficialChanges(options.redis, config.queuePrefix, target, changes),
        })
      : undefined;
  official?.start();

  const description = [
    config.jetstreamUrl ? `jetstream ${config.jetstreamUrl}` : "jetstream off",
    search
      ? `search ${config.blueskyService} every ${config.searchIntervalMs / 1000} s (${config.blueskyIdentifier ? `as ${config.blueskyIdentifier}` : "anonymous"})`
      : "search off",
    official ? `official sources every ${config.officialIntervalMs / 1000} s` : "official sources off",
  ].join("; ");
  let closing: Promise<void> | undefined;
  return {
    description,
    catalogChanged() {
      const rebuilt = performance.now();
      collector.usePipeline(pipeline.withCatalog(options.catalog().list()));
      logger.info(
        { ms: Math.round(performance.now() - rebuilt) },
        "text pipeline rebuilt for the changed catalog",
      );
    },
    close() {
      closing ??= (async () => {
        await Promise.all([jetstream?.close(), search?.close(), official?.close()]);
        await batcher.close();
      })();
      return closing;
    },
  };
}

/** Older changes (a page's history, read the first time) are stored but not news. */
const OFFICIAL_NEWS_MS = 60 * 60_000;

/**
 * One `official.changed` live event per service and change, for pages, the stream and webhooks:
 * what the provider just said.
 */
async function announceOfficialChanges(
  redis: RedisClient,
  prefix: string,
  target: OfficialTarget,
  changes: NewOfficialChange[],
): Promise<void> {
  const recent = changes.filter((change) => change.at >= Date.now() - OFFICIAL_NEWS_MS);
  for (const change of recent) {
    for (const service of target.services) {
      await appendLiveEvent(redis, prefix, {
        type: "official.changed",
        service,
        region: "*",
        source: target.key,
        kind: change.kind,
        at: change.at,
        status: change.status,
        title: change.title ?? change.componentName,
        providerIncidentId: change.incidentId,
      });
    }
  }
}
