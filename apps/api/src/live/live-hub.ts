import { setTimeout as sleep } from "node:timers/promises";
import {
  lastLiveEventId,
  liveEventsAfter,
  type RedisClient,
  readLiveEvents,
  type StoredLiveEvent,
} from "@outcry/queue";
import type { Logger } from "pino";

export type LiveListener = (event: StoredLiveEvent) => void;

/** What the stream route needs: past events for a resume, and the ones to come. */
export interface LiveFeed {
  /** Events after `id`, oldest first (a client's Last-Event-ID). */
  after(id: string): Promise<StoredLiveEvent[]>;
  /** Calls `listener` for every new event until the returned function is called. */
  subscribe(listener: LiveListener, onClose: () => void): () => void;
}

// XREAD BLOCK returns at least this often, so closing never waits long.
const BLOCK_MS = 2_000;
const CLOSE_WAIT_MS = 1_000;

/**
 * One reader of the live-events stream per api process, fanning each event out to every SSE
 * client connected to it; several replicas each run their own, so an event reaches the clients of
 * all of them once. Heals by itself after a Redis outage, resuming where it stopped.
 */
export class LiveHub implements LiveFeed {
  readonly #reader: RedisClient;
  readonly #queries: RedisClient;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #listeners = new Map<LiveListener, () => void>();
  #running: Promise<void> | undefined;
  #closed = false;

  /** `reader` is a connection of its own (XREAD BLOCK holds it); `queries` may be shared. */
  constructor(options: { reader: RedisClient; queries: RedisClient; prefix: string; logger: Logger }) {
    this.#reader = options.reader;
    this.#queries = options.queries;
    this.#prefix = options.prefix;
    this.#logger = options.logger;
    // Without a listener ioredis prints each reconnect failure raw on stderr; the read loop already
    // logs the outage, so the connection's own errors go to debug.
    this.#reader.on("error", (error) =>
      this.#logger.debug({ err: error }, "live events reader: redis error"),
    );
  }

  start(): void {
    this.#running ??= this.#run();
  }

  after(id: string): Promise<StoredLiveEvent[]> {
    return liveEventsAfter(this.#queries, this.#prefix, id);
  }

  subscribe(listener: LiveListener, onClose: () => void): () => void {
    if (this.#closed) {
      onClose();
      return () => {};
    }
    this.#listeners.set(listener, onClose);
    return () => this.#listeners.delete(listener);
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /** Ends every stream and stops reading. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const onClose of this.#listeners.values()) onClose();
    this.#listeners.clear();
    // Disconnecting ends a blocked XREAD at once; the loop sees it is closed and stops. A command
    // queued while Redis is down may never settle, so the wait for the loop is bounded.
    this.#reader.disconnect();
    await Promise.race([this.#running, sleep(CLOSE_WAIT_MS)]);
  }

  async #run(): Promise<void> {
    let lastId: string | undefined;
    while (!this.#closed) {
      try {
        lastId ??= await lastLiveEventId(this.#reader, this.#prefix);
        for (const entry of await readLiveEvents(this.#reader, this.#prefix, lastId, BLOCK_MS)) {
          lastId = entry.id;
          for (const listener of this.#listeners.keys()) listener(entry);
        }
      } catch (error) {
        if (this.#closed) break;
        this.#logger.warn({ err: error }, "live events: cannot read from redis; retrying");
        await sleep(1_000);
      }
    }
  }
}
