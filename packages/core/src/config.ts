import { z } from "zod";

const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const positiveInt = z.coerce.number().int().positive();

/**
 * Every setting Outcry reads from the environment, with its default. README's configuration table
 * mirrors this schema.
 */
const EnvSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default("./.data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  // A read replica of DATABASE_URL for the api's public queries; writes stay on DATABASE_URL.
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  // Days of minute counts kept (older day partitions are dropped); 0 keeps them all. Hour rollups stay.
  RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  // redis+cluster://host:port,host:port names a Redis Cluster by some of its nodes.
  REDIS_URL: z
    .string()
    .regex(/^(rediss?|redis\+cluster):\/\//, "must be a redis://, rediss:// or redis+cluster:// URL")
    .optional(),
  REDIS_SERVER_BIN: z.string().min(1).default("redis-server"),
  REPORTER_KEY_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  TRUST_PROXY: z
    .union([z.enum(["false", "true"]), z.string().regex(/^\d+$/, "must be false, true or a hop count")])
    .default("false")
    .transform((value) => (value === "false" ? 0 : value === "true" ? 1 : Number(value))),
  RATE_LIMIT_PER_MINUTE: positiveInt.default(10),
  REPORT_DEDUPE_MINUTES: positiveInt.default(15),
  INTAKE_BATCH_IN_FLIGHT: positiveInt.max(64).default(1),
  // A batch is one multi-row insert: 5,000 signals stay under Postgres's 65,535 bind parameters.
  INTAKE_BATCH_MAX_SIZE: positiveInt.max(5_000).default(500),
  // Signals queues, each its own Redis Cluster slot; a service always goes to the same one.
  SIGNAL_SHARDS: positiveInt.max(64).default(1),
  // Parts the detector tick is cut into, by service: aggregator replicas tick them side by side.
  DETECTOR_SHARDS: positiveInt.max(64).default(1),
  AGGREGATOR_CONCURRENCY: positiveInt.max(256).default(8),
  AGGREGATOR_LOCK_MS: positiveInt.min(1_000).default(30_000),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.{}-]+$/)
    .default("outcry"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_REQUESTS: booleanish.default(true),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  // How long the api reuses a public query's answer for identical requests; 0 turns it off.
  RESPONSE_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  // A public Jetstream instance; "off" runs ingest without the live path.
  BLUESKY_JETSTREAM_URL: z
    .union([z.literal("off"), z.string().regex(/^wss?:\/\//, "must be a ws:// or wss:// URL, or off")])
    .default("wss://jetstream2.us-east.bsky.network/subscribe"),
  // Anonymous search goes to the public AppView; with an app password, to the account's PDS.
  BLUESKY_SERVICE: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  BLUESKY_IDENTIFIER: z.string().min(1).optional(),
  BLUESKY_APP_PASSWORD: z.string().min(1).optional(),
  BLUESKY_SEARCH_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  POSTS_RETENTION_DAYS: positiveInt.default(7),
  // A JSON catalog laid over the seed at start-up (services replaced or added by slug).
  CATALOG_FILE: z.string().min(1).optional(),
  // Minutes a service's incident may go without official word before incident.unacknowledged.
  OFFICIAL_UNACKNOWLEDGED_MINUTES: positiveInt.default(15),
  // How often each official source (status page, feed, account) is read; 0 turns the poller off.
  OFFICIAL_POLL_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  // Politeness: at least this long between two requests to one host, however many sources it serves.
  OFFICIAL_HOST_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  // A source that has not been read successfully for this long is marked stale.
  OFFICIAL_STALE_MINUTES: positiveInt.default(15),
});

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof EnvSchema>) {
  return {
    host: env.HOST,
    port: env.PORT,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    /** Where the api's public reads go (a replica); DATABASE_URL when unset. */
    databaseReadUrl: env.DATABASE_READ_URL,
    /** Minute counts older than this many days are dropped by the aggregator; 0 keeps them all. */
    retentionDays: env.RETENTION_DAYS,
    redisUrl: env.REDIS_URL,
    redisServerBin: env.REDIS_SERVER_BIN,
    reporterKeySecret: env.REPORTER_KEY_SECRET,
    /** How many proxies in front of the api append to X-Forwarded-For; 0 trusts none. */
    trustProxyHops: env.TRUST_PROXY,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    reportDedupeMs: env.REPORT_DEDUPE_MINUTES * 60_000,
    /** Signal batches written to Redis at once; reports arriving meanwhile share the next batch. */
    intakeBatchInFlight: env.INTAKE_BATCH_IN_FLIGHT,
    intakeBatchMaxSize: env.INTAKE_BATCH_MAX_SIZE,
    /** How many signals queues the signals are spread over, by service (see signalsQueueName). */
    signalShards: env.SIGNAL_SHARDS,
    /** One detector tick job per shard each minute (see DetectorShard). */
    detectorShards: env.DETECTOR_SHARDS,
    aggregatorConcurrency: env.AGGREGATOR_CONCURRENCY,
    /** A batch held by a worker that died is handed to another after this long. */
    aggregatorLockMs: env.AGGREGATOR_LOCK_MS,
    queuePrefix: env.QUEUE_PREFIX,
    logLevel: env.LOG_LEVEL,
    logRequests: env.LOG_REQUESTS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    /** Identical public queries within this window share one answer (0: off). */
    responseCacheMs: env.RESPONSE_CACHE_MS,
    jetstreamUrl: env.BLUESKY_JETSTREAM_URL === "off" ? undefined : env.BLUESKY_JETSTREAM_URL,
    blueskyService:
      env.BLUESKY_SERVICE ?? (env.BLUESKY_IDENTIFIER ? "https://bsky.social" : "https://public.api.bsky.app"),
    blueskyIdentifier: env.BLUESKY_IDENTIFIER,
    blueskyAppPassword: env.BLUESKY_APP_PASSWORD,
    /** 0 turns the search poller off. */
    searchIntervalMs: env.BLUESKY_SEARCH_INTERVAL_SECONDS * 1000,
    postsRetentionMs: env.POSTS_RETENTION_DAYS * 24 * 3_600_000,
    catalogFile: env.CATALOG_FILE,
    /** 0 turns the official sources' poller off. */
    officialIntervalMs: env.OFFICIAL_POLL_INTERVAL_SECONDS * 1000,
    /** An open incident without official word this long is announced as unacknowledged. */
    officialUnacknowledgedMinutes: env.OFFICIAL_UNACKNOWLEDGED_MINUTES,
    officialHostIntervalMs: env.OFFICIAL_HOST_INTERVAL_MS,
    officialStaleMs: env.OFFICIAL_STALE_MINUTES * 60_000,
  };
}

/** Thrown by loadConfig with every problem found, one per line, so all can be fixed at once. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    this.problems = problems;
  }
}

/** Reads and validates the environment once; empty strings count as unset. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(EnvSchema.shape)
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = EnvSchema.refine(
    (env) => (env.BLUESKY_IDENTIFIER === undefined) === (env.BLUESKY_APP_PASSWORD === undefined),
    {
      message: "set both BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD, or neither",
      path: ["BLUESKY_APP_PASSWORD"],
    },
  )
    // A replica of embedded PGlite cannot exist: reads would go to another database than writes.
    .refine((env) => env.DATABASE_READ_URL === undefined || env.DATABASE_URL !== undefined, {
      message: "needs DATABASE_URL (the primary it replicates)",
      path: ["DATABASE_READ_URL"],
    })
    .safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) =>
          `${issue.path.join(".")}: ${issue.message} (got ${JSON.stringify(relevant[String(issue.path[0])])})`,
      ),
    );
  }
  return toConfig(parsed.data);
}

/** Names of every environment variable loadConfig reads, for docs and tests. */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape);
