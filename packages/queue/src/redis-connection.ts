import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";

/** A single Redis server or a Redis Cluster: every part of Outcry works on either. */
export type RedisClient = Redis | Cluster;

/** The URL scheme that names a Redis Cluster by some of its nodes: `redis+cluster://host:port,host:port`. */
export const REDIS_CLUSTER_SCHEME = "redis+cluster:";

export interface RedisClusterTarget {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
}

/**
 * Reads `redis+cluster://[user:password@]host:port[,host:port...]`; undefined for a plain redis://
 * URL. A few nodes are enough: the client learns the rest of the cluster from them.
 */
export function parseRedisClusterUrl(url: string): RedisClusterTarget | undefined {
  if (!url.startsWith(`${REDIS_CLUSTER_SCHEME}//`)) return undefined;
  const rest = url.slice(REDIS_CLUSTER_SCHEME.length + 2).replace(/\/$/, "");
  const at = rest.lastIndexOf("@");
  const credentials = at === -1 ? undefined : rest.slice(0, at);
  const nodes = (at === -1 ? rest : rest.slice(at + 1)).split(",").map((node) => {
    const match = /^([^:,/]+):(\d{1,5})$/.exec(node.trim());
    if (!match) throw new Error(`Redis Cluster node "${node}" is not host:port`);
    return { host: match[1] as string, port: Number(match[2]) };
  });
  if (credentials === undefined) return { nodes };
  const colon = credentials.indexOf(":");
  const decode = (value: string) => decodeURIComponent(value);
  return colon === -1
    ? { nodes, password: decode(credentials) }
    : {
        nodes,
        ...(colon > 0 ? { username: decode(credentials.slice(0, colon)) } : {}),
        password: decode(credentials.slice(colon + 1)),
      };
}

const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2_000);

function connect(url: string, options: RedisOptions, clusterOptions: ClusterOptions): RedisClient {
  const cluster = parseRedisClusterUrl(url);
  if (!cluster) return new Redis(url, { retryStrategy, ...options });
  const { nodes, username, password } = cluster;
  const { enableAutoPipelining: _single, ...redisOptions } = options;
  return new Cluster(nodes, {
    clusterRetryStrategy: retryStrategy,
    ...clusterOptions,
    redisOptions: {
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...redisOptions,
    },
  });
}

/**
 * Producers fail fast: with no connection a command errors at once (the api answers 503) instead
 * of waiting in an offline queue while the client's request hangs.
 */
export function createProducerRedis(url: string, options: RedisOptions = {}): RedisClient {
  return connect(
    url,
    {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      enableAutoPipelining: true,
      ...options,
    },
    // No auto-pipelining on a cluster: while the client is still learning the slot map it mixes
    // slots in one pipeline, and the commands fail.
    { enableOfflineQueue: false },
  );
}

/** Workers wait patiently: BullMQ requires maxRetriesPerRequest null for blocking commands. */
export function createWorkerRedis(url: string, options: RedisOptions = {}): RedisClient {
  return connect(url, { maxRetriesPerRequest: null, ...options }, {});
}

/**
 * Another connection to the same server or cluster that waits through outages instead of failing
 * fast: for blocking reads next to a fail-fast producer.
 */
export function patientDuplicate(redis: RedisClient, options: { lazyConnect?: boolean } = {}): RedisClient {
  const patient = { enableOfflineQueue: true, maxRetriesPerRequest: null };
  if (redis instanceof Cluster) {
    return redis.duplicate(undefined, {
      ...options,
      enableOfflineQueue: true,
      redisOptions: { ...redis.options.redisOptions, ...patient },
    });
  }
  return redis.duplicate({ ...patient, ...options });
}

/** Resolves once a connection is ready for commands; fail-fast clients refuse them before that. */
export function redisReady(redis: RedisClient, timeoutMs = 10_000): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(new Error(`Redis did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", onReady);
  });
}
