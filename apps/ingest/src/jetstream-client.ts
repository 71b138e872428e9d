import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import WebSocket from "ws";
import type { IngestMetrics } from "./ingest-metrics.ts";
import { type CollectedPost, readJetstreamFrame } from "./jetstream-event.ts";

export interface JetstreamClientOptions {
  /** The Jetstream /subscribe endpoint (ws:// or wss://). */
  url: string;
  loadCursor(): Promise<number | undefined>;
  saveCursor(cursor: number): Promise<void>;
  /** Takes a new post; a returned promise settles once the post is safely handed on. */
  onPost(post: CollectedPost): Promise<void> | undefined;
  logger: Logger;
  metrics: IngestMetrics;
  /** Posts in hand, not yet handed on, at which the socket is paused. Default 2,000. */
  maxPending?: number;
  /** How often the cursor is saved. Default 5 s. */
  cursorSaveIntervalMs?: number;
  /** A socket silent this long is presumed dead and replaced. Default 60 s. */
  idleTimeoutMs?: number;
  /** First and longest wait between reconnects. Default 1 s and 60 s. */
  backoff?: { initialMs: number; maxMs: number };
}

// A resume starts this far before the saved cursor: events near the cursor may have been in flight
// when it was saved. Replays are skipped by URI, so rewinding costs a little work and loses nothing.
export const CURSOR_REWIND_US = 5_000_000;

/** Events read but whose cursor may not be saved yet, in arrival order. */
interface InHand {
  timeUs: number;
  done: boolean;
}

/**
 * The live path: Bluesky's Jetstream, one JSON event per WebSocket frame. Keeps the cursor (the
 * time_us of the newest event whose post is safely handed on, with every earlier one), saves it
 * every few seconds, and on every (re)connect resumes from it, rewound a few seconds. Reconnects
 * with exponential backoff and full jitter; pauses the socket while too many posts are in hand, so
 * a slow queue holds Jetstream back over TCP instead of filling memory.
 */
export class JetstreamClient {
  readonly #options: Required<Omit<JetstreamClientOptions, "backoff">> & JetstreamClientOptions;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;
  #socket: WebSocket | undefined;
  #cursor: number | undefined;
  #savedCursor: number | undefined;
  #inHand: InHand[] = [];
  #inHandHead = 0;
  #pending = 0;
  #paused = false;
  #generation = 0;

  constructor(options: JetstreamClientOptions) {
    this.#options = {
      maxPending: 2_000,
      cursorSaveIntervalMs: 5_000,
      idleTimeoutMs: 60_000,
      ...options,
    };
  }

  /** The cursor a resume would start from (before the rewind). */
  get cursor(): number | undefined {
    return this.#cursor;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Stops reading, waits for the loop to end and saves the cursor. Safe to call twice. */
  async close(): Promise<void> {
    this.#stop.abort();
    this.#socket?.terminate();
    await this.#running;
    await this.#saveCursor();
  }

  async #run(): Promise<void> {
    const { logger, metrics } = this.#options;
    const { initialMs, maxMs } = this.#options.backoff ?? { initialMs: 1_000, maxMs: 60_000 };
    const saver = setInterval(() => void this.#saveCursor(), this.#options.cursorSaveIntervalMs);
    try {
      this.#cursor = await this.#loadCursor();
      this.#savedCursor = this.#cursor;
      let failures = 0;
      while (!this.#stop.signal.aborted) {
        const url = this.#subscribeUrl();
        const { events, error } = await this.#connectOnce(url);
        if (this.#stop.signal.aborted) break;
        metrics.jetstreamReconnects.inc();
        // A connection that carried events was healthy: start the backoff over.
        failures = events > 0 ? 0 : failures + 1;
        const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(failures, 16));
        const delay = Math.round(Math.random() * ceiling);
        logger.warn(
          { url: redact(url), err: error, events, retryInMs: delay },
          events > 0 ? "jetstream connection lost; reconnecting" : "cannot reach jetstream; will retry",
        );
        await sleep(delay, undefined, { signal: this.#stop.signal }).catch(() => undefined);
      }
    } finally {
      clearInterval(saver);
      metrics.jetstreamConnected.set(0);
    }
  }

  async #loadCursor(): Promise<number | undefined> {
    // The database may be down at start: keep asking rather than start from "now" and lose a gap.
    for (let attempt = 0; !this.#stop.signal.aborted; attempt++) {
      try {
        return await this.#options.loadCursor();
      } catch (error) {
        this.#options.logger.warn({ err: error }, "cannot load the jetstream cursor; retrying");
        await sleep(Math.min(10_000, 500 * 2 ** attempt), undefined, { signal: this.#stop.signal }).catch(
          () => undefined,
        );
      }
    }
    return undefined;
  }

  #subscribeUrl(): string {
    const url = new URL(this.#options.url);
    if (!url.searchParams.getAll("wantedCollections").includes("app.bsky.feed.post")) {
      url.searchParams.append("wantedCollections", "app.bsky.feed.post");
    }
    if (this.#cursor !== undefined)
      url.searchParams.set("cursor", String(Math.max(0, this.#cursor - CURSOR_REWIND_US)));
    return url.toString();
  }

  /** One connection, from open to close; resolves with how many events it carried. */
  #connectOnce(url: string): Promise<{ events: number; error?: Error }> {
    const { metrics } = this.#options;
    const generation = ++this.#generation;
    // Posts in hand from an earlier connection will be replayed from the cursor: forget them.
    this.#inHand = [];
    this.#inHandHead = 0;
    this.#pending = 0;
    this.#paused = false;
    return new Promise((resolve) => {
      let events = 0;
      let failure: Error | undefined;
      const socket = new WebSocket(url, { handshakeTimeout: 10_000, perMessageDeflate: false });
      this.#socket = socket;
      let idle: NodeJS.Timeout | undefined;
      const resetIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(() => {
          failure = new Error(`no frame for ${this.#options.idleTimeoutMs} ms`);
          socket.terminate();
        }, this.#options.idleTimeoutMs);
      };
      socket.on("open", () => {
        metrics.jetstreamConnected.set(1);
        this.#options.logger.info({ url: redact(url) }, "jetstream connected");
        resetIdle();
      });
      socket.on("message", (data) => {
        events++;
        resetIdle();
        this.#onFrame(String(data), generation, socket);
      });
      socket.on("error", (error) => {
        failure = error;
      });
      socket.on("close", () => {
        clearTimeout(idle);
        metrics.jetstreamConnected.set(0);
        if (this.#socket === socket) this.#socket = undefined;
        resolve(failure ? { events, error: failure } : { events });
      });
    });
  }

  #onFrame(data: string, generation: number, socket: WebSocket): void {
    const { metrics } = this.#options;
    const frame = readJetstreamFrame(data);
    metrics.jetstreamEvents.inc({ kind: frame.kind });
    if (frame.kind === "malformed" || frame.timeUs === undefined) return;
    metrics.jetstreamLag.set(Math.max(0, Date.now() / 1000 - frame.timeUs / 1_000_000));
    const handedOn = frame.kind === "post" ? this.#options.onPost(frame.post) : undefined;
    if (!handedOn) {
      this.#settled({ timeUs: frame.timeUs, done: true });
      return;
    }
    const entry: InHand = { timeUs: frame.timeUs, done: false };
    this.#inHand.push(entry);
    this.#pending++;
    if (this.#pending >= this.#options.maxPending && !this.#paused) {
      this.#paused = true;
      metrics.jetstreamPaused.inc();
      socket.pause();
    }
    handedOn.then(
      () => {
        if (generation !== this.#generation) return;
        entry.done = true;
        this.#pending--;
        this.#advance();
        if (this.#paused && this.#pending <= this.#options.maxPending / 2) {
          this.#paused = false;
          socket.resume();
        }
      },
      (error: unknown) => {
        if (generation !== this.#generation) return;
        // Not handed on (the queue is down): drop the connection and replay from the cursor.
        this.#options.logger.warn({ err: error }, "could not queue a post; replaying from the cursor");
        socket.terminate();
      },
    );
  }

  #settled(entry: InHand): void {
    if (this.#inHandHead === this.#inHand.length) this.#cursor = entry.timeUs;
    else this.#inHand.push(entry);
  }

  #advance(): void {
    while (this.#inHandHead < this.#inHand.length && (this.#inHand[this.#inHandHead] as InHand).done) {
      this.#cursor = (this.#inHand[this.#inHandHead] as InHand).timeUs;
      this.#inHandHead++;
    }
    if (this.#inHandHead === this.#inHand.length) {
      this.#inHand = [];
      this.#inHandHead = 0;
    } else if (this.#inHandHead > 4_096) {
      this.#inHand = this.#inHand.slice(this.#inHandHead);
      this.#inHandHead = 0;
    }
  }

  async #saveCursor(): Promise<void> {
    const cursor = this.#cursor;
    if (cursor === undefined || cursor === this.#savedCursor) return;
    try {
      await this.#options.saveCursor(cursor);
      this.#savedCursor = cursor;
    } catch (error) {
      this.#options.logger.warn({ err: error }, "cannot save the jetstream cursor; will retry");
    }
  }
}

// Jetstream URLs carry no credentials, but a self-hoster's proxy might: never log them.
function redact(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}
