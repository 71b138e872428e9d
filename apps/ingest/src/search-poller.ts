import { setTimeout as sleep } from "node:timers/promises";
import { AppBskyFeedPost, AtpAgent, XRPCError } from "@atproto/api";
import type { Logger } from "pino";
import type { IngestMetrics } from "./ingest-metrics.ts";
import type { CollectedPost } from "./jetstream-event.ts";

/** A service to search for, and the words to search with. */
export interface SearchTarget {
  service: string;
  query: string;
}

export interface SearchPollerOptions {
  /** XRPC service: an AppView for anonymous search, or the account's PDS (e.g. https://bsky.social). */
  service: string;
  identifier?: string | undefined;
  appPassword?: string | undefined;
  intervalMs: number;
  /** Which services to search this round. */
  targets(): Promise<SearchTarget[]>;
  /** Where a service never searched before starts (epoch ms): the live path's gap, or a recent window. */
  startFrom(): Promise<number>;
  onPost(post: CollectedPost): Promise<void> | undefined;
  logger: Logger;
  metrics: IngestMetrics;
  /** Pages of 100 read per service per round at most. Default 5. */
  maxPages?: number;
  /** Longest wait for a rate-limit window to reset before giving up on the round. Default 5 min. */
  maxRateLimitWaitMs?: number;
}

export interface PollRound {
  requests: number;
  posts: number;
}

/**
 * Backfill and fallback: app.bsky.feed.searchPosts (sort latest, since the newest post already
 * seen for that service, cursor paging) for each service that shows problems. Logs in with an app
 * password when one is configured (the agent refreshes the session itself); honours 429 and the
 * ratelimit-reset header; checks every record against the post lexicon before use.
 */
export class SearchPoller {
  readonly #options: SearchPollerOptions;
  readonly #agent: AtpAgent;
  readonly #stop = new AbortController();
  readonly #newestSeen = new Map<string, number>();
  #running: Promise<void> | undefined;
  #loggedIn = false;

  constructor(options: SearchPollerOptions) {
    this.#options = options;
    this.#agent = new AtpAgent({ service: options.service });
  }

  start(): void {
    this.#running ??= this.#run();
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      try {
        await this.pollOnce();
      } catch (error) {
        this.#options.logger.warn(
          { err: error, service: this.#options.service },
          "search round failed; will retry",
        );
      }
      await sleep(this.#options.intervalMs, undefined, { signal: this.#stop.signal }).catch(() => undefined);
    }
  }

  /** One round over every target; exposed so tests and the first start can drive it. */
  async pollOnce(): Promise<PollRound> {
    const round: PollRound = { requests: 0, posts: 0 };
    await this.#ensureSession();
    const targets = await this.#options.targets();
    const startFrom = targets.length > 0 ? await this.#options.startFrom() : 0;
    for (const target of targets) {
      if (this.#stop.signal.aborted) break;
      await this.#searchService(target, this.#newestSeen.get(target.service) ?? startFrom, round);
    }
    return round;
  }

  async #ensureSession(): Promise<void> {
    const { identifier, appPassword } = this.#options;
    if (this.#loggedIn || !identifier || !appPassword) return;
    await this.#agent.login({ identifier, password: appPassword });
    this.#loggedIn = true;
    this.#options.logger.info(
      { service: this.#options.service, identifier },
      "bluesky search session started",
    );
  }

  async #searchService(target: SearchTarget, since: number, round: PollRound): Promise<void> {
    const { maxPages = 5 } = this.#options;
    const pending: Promise<void>[] = [];
    let cursor: string | undefined;
    let newest = since - 1;
    for (let page = 0; page < maxPages; page++) {
      const response = await this.#request(() =>
        this.#agent.app.bsky.feed.searchPosts({
          q: target.query,
          sort: "latest",
          since: new Date(since).toISOString(),
          limit: 100,
          ...(cursor ? { cursor } : {}),
        }),
      );
      round.requests++;
      if (!response) return;
      for (const view of response.data.posts) {
        const validation = AppBskyFeedPost.validateRecord(view.record);
        if (!validation.success) continue;
        const seenAt = Date.parse(view.indexedAt);
        if (!Number.isFinite(seenAt) || seenAt < since) continue;
        newest = Math.max(newest, seenAt);
        round.posts++;
        const handedOn = this.#options.onPost({
          uri: view.uri,
          text: validation.value.text,
          langs: validation.value.langs ?? [],
          seenAt,
        });
        if (handedOn) pending.push(handedOn);
      }
      cursor = response.data.cursor;
      if (!cursor || response.data.posts.length === 0) break;
    }
    // Move this service's mark only once every post found is safely queued: a failure means the
    // next round searches the same window again (duplicates are dropped by URI).
    await Promise.all(pending);
    // `since` is inclusive: start the next round just after the newest post already handed on.
    this.#newestSeen.set(target.service, newest + 1);
  }

  /** One XRPC call; waits out a 429 (up to a limit) and retries it; undefined when it gave up. */
  async #request<T>(call: () => Promise<T>): Promise<T | undefined> {
    const { metrics, logger, maxRateLimitWaitMs = 300_000 } = this.#options;
    for (;;) {
      try {
        const response = await call();
        metrics.searchRequests.inc({ result: "ok" });
        return response;
      } catch (error) {
        if (!(error instanceof XRPCError) || error.status !== 429) {
          metrics.searchRequests.inc({ result: "error" });
          throw error;
        }
        metrics.searchRequests.inc({ result: "rate-limited" });
        const waitMs = rateLimitWaitMs(error.headers?.["ratelimit-reset"]);
        if (waitMs > maxRateLimitWaitMs) {
          logger.warn({ waitMs }, "search rate limit resets too late; skipping this round");
          return undefined;
        }
        logger.info({ waitMs }, "search rate limited; waiting for the window to reset");
        await sleep(waitMs, undefined, { signal: this.#stop.signal });
      }
    }
  }
}

/** ratelimit-reset is the epoch second the window resets; absent or odd, wait a minute. */
export function rateLimitWaitMs(reset: string | undefined, now = Date.now()): number {
  const seconds = Number(reset);
  if (!reset || !Number.isFinite(seconds)) return 60_000;
  return Math.max(1_000, seconds * 1000 - now);
}
