import type { RedisClient } from "@outcry/queue";
import type { Redis } from "ioredis";

/*
 * Rate limit and one-report-per-reporter-per-service, decided in Redis for many reports at once.
 *
 * The rate limit is a sliding window approximated from two fixed windows (the previous window's
 * count weighted by how much of it still overlaps the sliding window, plus the current count):
 * O(1) memory per address, unlike a log of timestamps. Refused requests are not counted, so a
 * client that backs off as told by Retry-After gets through.
 *
 * Checks that arrive during one turn of the event loop go to Redis as one script call: a busy
 * intake pays one round trip per turn instead of one per report. The script takes two keys per
 * check; both carry the reporter's hash tag, so each pair lives in one Redis Cluster slot (on a
 * cluster, one call per reporter, since a script may touch one slot only).
 */
const SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local dedupe_ttl = tonumber(ARGV[4])
local current_start = now - (now % window)
local overlap = (window - (now - current_start)) / window
local results = {}
for i = 1, #KEYS, 2 do
  local current_key = KEYS[i] .. current_start
  local current = tonumber(redis.call('GET', current_key) or '0')
  local previous = tonumber(redis.call('GET', KEYS[i] .. (current_start - window)) or '0')
  if previous * overlap + current >= limit then
    local retry_after
    if current >= limit then
      retry_after = current_start + window - now
    else
      retry_after = math.ceil(window * (1 - (limit - current) / previous)) - (now - current_start)
    end
    results[#results + 1] = 0
    results[#results + 1] = math.max(retry_after, 1)
  else
    redis.call('INCR', current_key)
    redis.call('PEXPIRE', current_key, window * 2)
    results[#results + 1] = 1
    results[#results + 1] = redis.call('SET', KEYS[i + 1], ARGV[4 + (i + 1) / 2], 'NX', 'PX', dedupe_ttl) and 1 or 0
  end
end
return results
`;

export type GuardDecision = { allowed: false; retryAfterMs: number } | { allowed: true; counted: boolean };

type GuardRedis = Pick<Redis, "get" | "del"> & {
  outcryIntakeGuard(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number[]>;
};

interface PendingCheck {
  reporter: string;
  service: string;
  signalId: string;
  resolve: (decision: GuardDecision) => void;
  reject: (error: unknown) => void;
}

export interface IntakeGuardOptions {
  keyPrefix: string;
  limitPerMinute: number;
  dedupeMs: number;
  now?: () => number;
}

export class IntakeGuard {
  readonly #redis: GuardRedis;
  readonly #options: IntakeGuardOptions;
  readonly #now: () => number;
  /** A cluster runs a script on one slot: checks then go one reporter (one hash tag) per call. */
  readonly #cluster: boolean;
  #pending: PendingCheck[] = [];

  constructor(redis: RedisClient, options: IntakeGuardOptions) {
    redis.defineCommand("outcryIntakeGuard", { lua: SCRIPT });
    this.#redis = redis as unknown as GuardRedis;
    this.#cluster = redis.isCluster;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Charges one request to the reporter and claims the (reporter, service) slot if it is free. */
  check(reporter: string, service: string, signalId: string): Promise<GuardDecision> {
    return new Promise((resolve, reject) => {
      if (this.#pending.push({ reporter, service, signalId, resolve, reject }) === 1) {
        setImmediate(() => void this.#flush());
      }
    });
  }

  /** Frees the slot claimed for a signal that could not be queued, so the reporter may retry. */
  async release(reporter: string, service: string, signalId: string): Promise<void> {
    const key = this.#dedupeKey(reporter, service);
    if ((await this.#redis.get(key)) === signalId) await this.#redis.del(key);
  }

  async #flush(): Promise<void> {
    const checks = this.#pending;
    this.#pending = [];
    if (!this.#cluster) return this.#run(checks);
    const byReporter = Map.groupBy(checks, (check) => check.reporter);
    await Promise.all([...byReporter.values()].map((group) => this.#run(group)));
  }

  async #run(checks: PendingCheck[]): Promise<void> {
    const { keyPrefix, limitPerMinute, dedupeMs } = this.#options;
    const keys = checks.flatMap((check) => [
      `${keyPrefix}:rl:{${check.reporter}}:`,
      this.#dedupeKey(check.reporter, check.service),
    ]);
    try {
      const results = await this.#redis.outcryIntakeGuard(
        keys.length,
        ...keys,
        limitPerMinute,
        60_000,
        this.#now(),
        dedupeMs,
        ...checks.map((check) => check.signalId),
      );
      checks.forEach((check, index) => {
        const allowed = results[index * 2];
        const value = results[index * 2 + 1] ?? 0;
        check.resolve(
          allowed === 1 ? { allowed: true, counted: value === 1 } : { allowed: false, retryAfterMs: value },
        );
      });
    } catch (error) {
      for (const check of checks) check.reject(error);
    }
  }

  #dedupeKey(reporter: string, service: string): string {
    return `${this.#options.keyPrefix}:seen:{${reporter}}:${service}`;
  }
}
