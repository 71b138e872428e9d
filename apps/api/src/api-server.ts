import type { Server } from "node:http";
import { type ServerType, serve } from "@hono/node-server";
import type { CatalogIndex, Config } from "@outcry/core";
import type { Database } from "@outcry/db";
import { createWebhooksQueue, patientDuplicate, type RedisClient, ShardedSignalBatcher } from "@outcry/queue";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { newApp } from "./app.ts";
import { IntakeGuard } from "./intake/intake-guard.ts";
import { ReportIntake } from "./intake/report-intake.ts";
import { LiveHub } from "./live/live-hub.ts";
import { createApiMetrics } from "./metrics.ts";

export interface ApiServerOptions {
  config: Config;
  database: Database;
  /** A read replica (DATABASE_READ_URL) for the public queries; `database` serves them when absent. */
  readDatabase?: Database;
  /** Fail-fast connection (see createProducerRedis): intake answers 503 rather than hang. */
  redis: RedisClient;
  catalog: () => CatalogIndex;
  /** After an admin's catalog write: reload it everywhere (see LiveCatalog). */
  catalogChanged?: () => Promise<void>;
  reporterKeySecret: string;
  logger: Logger;
  /** Where /metrics reads from; shared with the other roles of the same process. */
  registry?: Registry;
}

export interface ApiServer {
  /** Where it listens, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  /** Stops accepting, finishes in-flight requests, then writes pending signals. Safe to call twice. */
  close(): Promise<void>;
}

/** How long in-flight requests get to finish on shutdown before their sockets are closed. */
const DRAIN_GRACE_MS = 5_000;

/** Starts the HTTP api: report intake and queries. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { config, database, readDatabase, redis, logger } = options;
  const batcher = new ShardedSignalBatcher(redis, {
    prefix: config.queuePrefix,
    shards: config.signalShards,
    maxInFlight: config.intakeBatchInFlight,
    maxSize: config.intakeBatchMaxSize,
    // While Redis is down every reconnect attempt errors; intake answers 503 meanwhile.
    onQueueError: (error) => logger.warn({ component: "api", err: error }, "signals queue: redis error"),
  });
  const guard = new IntakeGuard(redis, {
    keyPrefix: config.queuePrefix,
    limitPerMinute: config.rateLimitPerMinute,
    dedupeMs: config.reportDedupeMs,
  });
  // A connection of its own for the blocking read; it waits patiently through Redis outages.
  const live = new LiveHub({
    reader: patientDuplicate(redis, { lazyConnect: true }),
    queries: redis,
    prefix: config.queuePrefix,
    logger: logger.child({ component: "live" }),
  });
  const webhooks = createWebhooksQueue(redis, config.queuePrefix);
  webhooks.on("error", (error) =>
    logger.warn({ component: "api", err: error }, "webhooks queue: redis error"),
  );
  let draining = false;
  const app = newApp({
    live,
    webhooks,
    draining: () => draining,
    catalog: options.catalog,
    ...(options.catalogChanged ? { catalogChanged: options.catalogChanged } : {}),
    intake: new ReportIntake({
      catalog: options.catalog,
      guard,
      batcher,
      reporterKeySecret: options.reporterKeySecret,
    }),
    db: database.db,
    readDb: readDatabase?.db,
    readiness: {
      postgres: () => database.ping(),
      // Public reads need the replica: an api whose replica is down is not ready.
      ...(readDatabase ? { postgres_read: () => readDatabase.ping() } : {}),
      redis: async () => {
        await redis.ping();
      },
    },
    logger: logger.child({ component: "api" }),
    logRequests: config.logRequests,
    responseCacheMs: config.responseCacheMs,
    trustProxyHops: config.trustProxyHops,
    metrics: createApiMetrics(options.registry),
  });

  const server: ServerType = await new Promise((resolve, reject) => {
    const listening = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        // Node enforces requestTimeout only when it checks, every 30 s by default: a client that
        // never finishes its body would hold its socket up to 40 s instead of 10.
        serverOptions: { connectionsCheckingInterval: 1_000 },
      },
      () => resolve(listening),
    );
    listening.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${config.port} on ${config.host} is already in use; set PORT to another one`)
          : error,
      ),
    );
  });
  const http = server as Server;
  // Only once it listens: a process that fails to start must not be kept alive by the reader.
  live.start();
  // Slow or idle clients must not hold sockets forever (a slow-body client is cut off).
  http.requestTimeout = 10_000;
  http.headersTimeout = 5_000;
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        // Stop accepting; answers still owed go out with Connection: close (see newApp), so busy
        // keep-alive clients let go too. Whoever still holds a socket after the grace period loses it.
        draining = true;
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        // Live streams never end by themselves: end them, so their sockets can close.
        await live.close();
        http.closeIdleConnections();
        const grace = setTimeout(() => http.closeAllConnections(), DRAIN_GRACE_MS);
        await closed;
        clearTimeout(grace);
        await batcher.close();
        await webhooks.close();
      })();
      return closing;
    },
  };
}
