import type { Redis } from "ioredis";

/*
 * Rate limit and one-report-per-reporter-per-service, decided in one Redis round trip.
 *
 * The rate limit is a sliding window approximated from two fixed windows (the previous window's
 * count weighted by how much of it still overlaps the sliding window, plus the current count):
 * O(1) memory per address, unlike a log of timestamps. Refused requests are not counted, so a
 * client that backs off as told by Retry-After gets through.
 *
 * Both keys share the reporter's hash tag, so they live in one Redis Cluster slot.
 */
const SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local dedupe_ttl = tonumber(ARGV[4])
local current_start = now - (now % window)
local current_key = KEYS[1] .. current_start
local previous_key = KEYS[1] .. (current_start - window)
local current = tonumber(redis.call('GET', current_key) or '0')
local previous = tonumber(redis.call('GET', previous_key) or '0')
local overlap = (window - (now - current_start)) / window
if previous * overlap + current >= limit then
  local retry_after
  if current >= limit then
    retry_after = current_start + window - now
  else
    retry_after = math.ceil(window * (1 - (limit - current) / previous)) - (now - current_start)
  end
  return {0, math.max(retry_after, 1)}
end
redis.call('INCR', current_key)
redis.call('PEXPIRE', current_key, window * 2)
if redis.call('SET', KEYS[2], ARGV[5], 'NX', 'PX', dedupe_ttl) then
  return {1, 1}
end
return {1, 0}
`;

export type GuardDecision = { allowed: false; retryAfterMs: number } | { allowed: true; counted: boolean };

interface GuardRedis extends Redis {
  outcryIntakeGuard(
    rateKey: string,
    dedupeKey: string,
    ...args: (string | number)[]
  ): Promise<[number, number]>;
}

export interface IntakeGuardOptions {
  keyPrefix: string;
  limitPerMinute: number;
  dedupeMs: number;
}

export class IntakeGuard {
  readonly #redis: GuardRedis;
  readonly #options: IntakeGuardOptions;

  constructor(redis: Redis, options: IntakeGuardOptions) {
    redis.defineCommand("outcryIntakeGuard", { numberOfKeys: 2, lua: SCRIPT });
    this.#redis = redis as GuardRedis;
    this.#options = options;
  }

  /** Charges one request to the reporter and claims the (reporter, service) slot if it is free. */
  async check(reporter: string, service: string, signalId: string, now: number): Promise<GuardDecision> {
    const { keyPrefix, limitPerMinute, dedupeMs } = this.#options;
    const [allowed, value] = await this.#redis.outcryIntakeGuard(
      `${keyPrefix}:rl:{${reporter}}:`,
      `${keyPrefix}:seen:{${reporter}}:${service}`,
      limitPerMinute,
      60_000,
      now,
      dedupeMs,
      signalId,
    );
    return allowed === 1 ? { allowed: true, counted: value === 1 } : { allowed: false, retryAfterMs: value };
  }

  /** Frees the slot claimed for a signal that could not be queued, so the reporter may retry. */
  async release(reporter: string, service: string, signalId: string): Promise<void> {
    const key = `${this.#options.keyPrefix}:seen:{${reporter}}:${service}`;
    if ((await this.#redis.get(key)) === signalId) await this.#redis.del(key);
  }
}
