export * from "./bluesky/index.ts";
export { openEventStream, type ServerSentEvent } from "./event-stream.ts";
export * from "./official/index.ts";
export { PrivatePgBouncer } from "./private-pgbouncer.ts";
export { body } from "./read-body.ts";
export { LocalRedisCluster } from "./redis-cluster.ts";
export { TcpProxy } from "./tcp-proxy.ts";
export { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "./test-database.ts";
export {
  deleteRedisPrefix,
  freePort,
  PrivateRedis,
  type RedisServerArgs,
  TEST_REDIS_URL,
  uniquePrefix,
} from "./test-redis.ts";
export { waitFor } from "./wait-for.ts";
