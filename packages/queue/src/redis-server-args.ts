/**
 * Command-line settings of a redis-server that Outcry's queues can rely on: the AOF with an fsync
 * on every write, so a report acknowledged with 202 survives even a crash of Redis itself, and
 * no eviction, since BullMQ loses jobs when keys are evicted (writes are refused instead).
 */
export function durableRedisServerArgs(options: { port: number; dir: string }): string[] {
  return [
    ...["--bind", "127.0.0.1", "--port", String(options.port), "--dir", options.dir],
    ...["--appendonly", "yes", "--appendfsync", "always", "--save", ""],
    ...["--maxmemory-policy", "noeviction"],
  ];
}
