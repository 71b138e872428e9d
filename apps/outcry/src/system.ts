import { readFileSync } from "node:fs";
import { startAggregator } from "@outcry/aggregator";
import { startApiServer } from "@outcry/api";
import {
  type Catalog,
  CatalogFileError,
  type Config,
  loadSeedCatalog,
  parseCatalogFile,
  withCatalogFile,
} from "@outcry/core";
import { listServices, openDatabase, upsertServices } from "@outcry/db";
import { type Ingest, startIngest } from "@outcry/ingest";
import { createProducerRedis, LiveCatalog, redisReady } from "@outcry/queue";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import { bootstrapAdminKey } from "./admin-keys.ts";
import { startMetricsServer } from "./metrics-server.ts";
import { type SupervisedRedis, startSupervisedRedis } from "./redis-server.ts";
import { reporterKeySecret } from "./reporter-secret.ts";

export const ROLES = ["all", "api", "ingest", "aggregator"] as const;
export type Role = (typeof ROLES)[number];

export interface RunningSystem {
  readonly apiUrl: string | undefined;
  /** A few lines for a person at a terminal: where it listens, what it is connected to. */
  readonly summary: string;
  /** Stops in dependency order: intake first, then workers, then stores. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts the parts `role` names on the configured (or embedded) Postgres and Redis. */
export async function startSystem(config: Config, role: Role, logger: Logger): Promise<RunningSystem> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) {
      await closer().catch((error) => logger.error({ err: error }, "error while stopping"));
    }
  };
  // Before anything starts: a bad catalog file stops start-up with nothing written.
  const seedCatalog = startupCatalog(config);
  try {
    let supervised: SupervisedRedis | undefined;
    if (!config.redisUrl) {
      supervised = await startSupervisedRedis({
        bin: config.redisServerBin,
        dataDir: config.dataDir,
        logger,
      });
      closers.push(() => supervised?.stop() ?? Promise.resolve());
    }
    const redisUrl = config.redisUrl ?? (supervised as SupervisedRedis).url;

    const database = await openDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      applicationName: `outcry-${role}`,
    });
    closers.push(() => database.close());
    await database.migrate();
    await upsertServices(database.db, seedCatalog);
    const adminKeyFile = role === "all" ? await bootstrapAdminKey(database.db, config.dataDir) : undefined;
    if (adminKeyFile) logger.info({ file: adminKeyFile }, "created the first admin key; it is in this file");
    const publisher = createProducerRedis(redisUrl);
    publisher.on("error", (error) =>
      logger.warn({ component: "catalog", err: error }, "redis connection error"),
    );
    closers.push(async () => publisher.disconnect());
    let ingest: Ingest | undefined;
    const catalog = await LiveCatalog.start({
      load: () => listServices(database.db),
      redisUrl,
      publisher,
      prefix: config.queuePrefix,
      onError: (error) => logger.warn({ component: "catalog", err: error }, "catalog reload failed"),
      onChange: (changed) => {
        logger.info({ services: changed.size }, "catalog changed");
        ingest?.catalogChanged();
      },
    });
    closers.push(async () => catalog.close());

    // One registry per process: /metrics shows every role running in it.
    const registry = new Registry();
    let apiUrl: string | undefined;
    let metricsUrl: string | undefined;
    let bluesky: string | undefined;
    let readDatabaseLocation: string | undefined;
    if (role === "all" || role === "aggregator") {
      const aggregator = await startAggregator({ config, database, redisUrl, logger, registry });
      closers.push(() => aggregator.close());
    }
    if (role === "all" || role === "ingest") {
      const redis = createProducerRedis(redisUrl);
      redis.on("error", (error) =>
        logger.warn({ component: "ingest", err: error }, "redis connection error"),
      );
      closers.push(async () => {
        await redis.quit().catch(() => redis.disconnect());
      });
      const started = await startIngest({
        config,
        database,
        redis,
        catalog: () => catalog.current(),
        logger,
        registry,
      });
      ingest = started;
      closers.push(() => started.close());
      bluesky = started.description;
    }
    if (role === "all" || role === "api") {
      const redis = createProducerRedis(redisUrl);
      redis.on("error", (error) => logger.warn({ component: "api", err: error }, "redis connection error"));
      closers.push(async () => {
        await redis.quit().catch(() => redis.disconnect());
      });
      await redisReady(redis);
      // A replica for the public queries: never migrated (it follows the primary), only read.
      const readDatabase = config.databaseReadUrl
        ? await openDatabase({
            url: config.databaseReadUrl,
            dataDir: config.dataDir,
            applicationName: `outcry-${role}-read`,
          })
        : undefined;
      if (readDatabase) {
        closers.push(() => readDatabase.close());
        readDatabaseLocation = readDatabase.location;
      }
      const secret = reporterKeySecret(config.reporterKeySecret, config.dataDir);
      const api = await startApiServer({
        config,
        database,
        readDatabase,
        redis,
        catalog: () => catalog.current(),
        catalogChanged: () => catalog.changed(),
        reporterKeySecret: secret.secret,
        logger,
        registry,
      });
      closers.push(() => api.close());
      apiUrl = api.url;
    }

    if (!apiUrl) {
      const metrics = await startMetricsServer(registry, config.host, config.port, {
        postgres: () => database.ping(),
        redis: async () => {
          await publisher.ping();
        },
      });
      closers.push(() => metrics.close());
      metricsUrl = `${metrics.url}/metrics`;
    }

    const connections = {
      role,
      api: apiUrl,
      metrics: metricsUrl ?? (apiUrl ? `${apiUrl}/metrics` : undefined),
      bluesky,
      database: `${database.driver} ${database.location}`,
      databaseRead: readDatabaseLocation,
      redis: supervised ? `supervised redis-server ${supervised.url} (data in ${supervised.dir})` : redisUrl,
      services: catalog.current().size,
    };
    const headline = apiUrl ? `Outcry is listening on ${apiUrl}` : "Outcry is running";
    logger.info(connections, headline);
    const summary = [
      `${headline} (role ${role}, ${catalog.current().size} services)`,
      `  database: ${connections.database}`,
      ...(readDatabaseLocation ? [`  reads:    ${readDatabaseLocation} (public queries)`] : []),
      `  redis:    ${connections.redis}`,
      ...(bluesky ? [`  bluesky:  ${bluesky}`] : []),
      ...(metricsUrl ? [`  metrics:  ${metricsUrl}`] : []),
      ...(adminKeyFile ? [`  admin key (first start, all scopes): ${adminKeyFile}`] : []),
    ].join("\n");
    return { apiUrl, summary, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The seed, with CATALOG_FILE's services laid over it when one is configured. */
function startupCatalog(config: Config): Catalog {
  const seed = loadSeedCatalog();
  const file = config.catalogFile;
  if (!file) return seed;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CatalogFileError([`CATALOG_FILE ${file}: cannot be read (${(error as Error).message})`]);
  }
  return withCatalogFile(seed, parseCatalogFile(text, file), file);
}
