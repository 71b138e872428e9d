import { createHash, randomInt } from "node:crypto";
import { createServer, type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { type RawData, WebSocket, WebSocketServer } from "ws";

export interface FakeJetstreamOptions {
  /**
   * While a client's socket holds this many unsent bytes, no further events are handed to it: it
   * resumes from its place in the log once the socket drains. Default 1 MiB.
   */
  highWaterMarkBytes?: number;
  /**
   * A congested client that flushes nothing for this long is disconnected abruptly, as the real
   * server gives up on a frame write after 5 s. Default 5000 ms.
   */
  writeTimeoutMs?: number;
  /** Keep-alive pings, as the real server sends every 30 s. Default 30000 ms. */
  pingIntervalMs?: number;
}

/** A record create or update: the commit op with its record decoded to JSON. */
export interface JetstreamRecordCommit {
  rev: string;
  operation: "create" | "update";
  collection: string;
  rkey: string;
  record: Record<string, unknown>;
  cid: string;
}

/** A record delete: no record body, no cid. */
export interface JetstreamDeleteCommit {
  rev: string;
  operation: "delete";
  collection: string;
  rkey: string;
}

export interface JetstreamCommitEvent {
  did: string;
  time_us: number;
  kind: "commit";
  commit: JetstreamRecordCommit | JetstreamDeleteCommit;
}

/** A handle or DID document change, as relayed from the firehose's #identity. */
export interface JetstreamIdentityEvent {
  did: string;
  time_us: number;
  kind: "identity";
  identity: { did: string; handle?: string; seq: number; time: string };
}

/** A hosting status change (activated, deactivated, takendown, deleted...) from #account. */
export interface JetstreamAccountEvent {
  did: string;
  time_us: number;
  kind: "account";
  account: { active: boolean; did: string; seq: number; time: string; status?: string };
}

export type JetstreamEvent = JetstreamCommitEvent | JetstreamIdentityEvent | JetstreamAccountEvent;

type WithOptionalTime<E> = E extends unknown ? Omit<E, "time_us"> & { time_us?: number } : never;

/** An event to publish; without `time_us` the fake stamps it with the current time. */
export type JetstreamEventInput = WithOptionalTime<JetstreamEvent>;

export interface PublishPostInput {
  did: string;
  /** Defaults to a fresh TID, as clients name posts. */
  rkey?: string;
  text: string;
  langs?: string[];
  /** Defaults to the event's own time. */
  createdAt?: string;
  /** Unix microseconds; must be later than every event already published. Defaults to now. */
  timeUs?: number;
}

export interface StreamResult {
  published: number;
  elapsedMs: number;
}

const POST_COLLECTION = "app.bsky.feed.post";
const DEFAULT_HIGH_WATER_MARK_BYTES = 1024 * 1024;
const DEFAULT_WRITE_TIMEOUT_MS = 5_000;
const DEFAULT_PING_INTERVAL_MS = 30_000;
/** How often `stream` wakes to publish what is due: small enough for a smooth rate. */
const STREAM_TICK_MS = 10;
/** The real server's caps on a subscriber's filter and on what a subscriber may send. */
const MAX_WANTED_COLLECTIONS = 100;
const MAX_WANTED_DIDS = 10_000;
const MAX_SUBSCRIBER_MESSAGE_BYTES = 10_000_000;

/**
 * A local Jetstream for offline tests of code that consumes Bluesky's public Jetstream.
 *
 * It speaks the legacy `/subscribe` wire that jetstream1/2.{us-east,us-west}.bsky.network serve
 * (and that Jetstream v2 keeps frozen for v1 consumers): one JSON text frame per event, shaped as
 * in Jetstream's golden capture (internal/subscribe/testdata/golden_v1.jsonl), filtered by
 * `wantedCollections` / `wantedDids` / `maxMessageSizeBytes`, resumable with `cursor`, and
 * re-filterable with an `options_update` message (`requireHello=true` holds the stream until one).
 *
 * Backpressure: every client reads the shared log at its own socket's pace (as the real server's
 * per-subscriber pull loops do), so a slow client costs at most `highWaterMarkBytes` of buffer;
 * one whose socket stays congested for `writeTimeoutMs` is cut off, as the real server drops a
 * client it cannot write to, and counted in `slowConsumersDropped`.
 *
 * Where it differs from the real service, on purpose:
 * - No compression. `compress=true` and `Socket-Encoding: zstd` are ignored (frames stay plain
 *   text) and permessage-deflate is never negotiated: the fake has no zstd dictionary.
 * - Cursors are unix microseconds only. Jetstream v2 reads values below 1e15 as its own sequence
 *   numbers; here every cursor is a time_us, and frames carry no `cursor` field.
 * - Nothing ages out: the log keeps every event (the real lookback is 36 h and clamps silently).
 * - `#sync` events are not modelled (the v1 wire never emits them either).
 */
export class FakeJetstream {
  readonly url: string;
  readonly #server: Server;
  readonly #sockets: WebSocketServer;
  readonly #options: Required<FakeJetstreamOptions>;
  readonly #log: LogEntry[] = [];
  readonly #subscribers = new Set<Subscriber>();
  readonly #connectRequests: string[] = [];
  readonly #pinger: NodeJS.Timeout;
  /** Low bits of the revs and rkeys this fake mints, so they look like a real PDS clock's TIDs. */
  readonly #clockId = randomInt(1024);
  #lastTimeUs = 0;
  #slowConsumersDropped = 0;
  #closed = false;

  private constructor(server: Server, options: Required<FakeJetstreamOptions>) {
    const { port } = server.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}/subscribe`;
    this.#server = server;
    this.#options = options;
    this.#sockets = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: MAX_SUBSCRIBER_MESSAGE_BYTES,
    });
    server.on("request", (request, response) => {
      // Only WebSocket upgrades are served; a plain GET of the endpoint gets what the real one says.
      const isEndpoint = this.#pathOf(request) === "/subscribe";
      response.writeHead(isEndpoint ? 426 : 404, { "content-type": "text/plain; charset=utf-8" });
      response.end(
        isEndpoint ? "WebSocket protocol violation: not an upgrade request\n" : "404 page not found\n",
      );
    });
    server.on("upgrade", (request, socket, head) => this.#onUpgrade(request, socket, head));
    this.#pinger = setInterval(() => {
      for (const subscriber of this.#subscribers) subscriber.socket.ping();
    }, options.pingIntervalMs);
    this.#pinger.unref();
  }

  static async start(options: FakeJetstreamOptions = {}): Promise<FakeJetstream> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    return new FakeJetstream(server, {
      highWaterMarkBytes: options.highWaterMarkBytes ?? DEFAULT_HIGH_WATER_MARK_BYTES,
      writeTimeoutMs: options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS,
      pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    });
  }

  /** Open subscriber connections. */
  get connectionCount(): number {
    return this.#subscribers.size;
  }

  /** Every WebSocket request received, accepted or not, as absolute ws:// URLs in arrival order. */
  get connectRequests(): readonly string[] {
    return this.#connectRequests;
  }

  /** Every published event, in time_us order. */
  get events(): readonly JetstreamEvent[] {
    return this.#log.map((entry) => entry.event);
  }

  /** Clients disconnected for not reading their stream (see `writeTimeoutMs`). */
  get slowConsumersDropped(): number {
    return this.#slowConsumersDropped;
  }

  /** Publishes the commit a PDS emits when an account creates an app.bsky.feed.post record. */
  publishPost(input: PublishPostInput): JetstreamCommitEvent {
    const event = this.#append(this.#postEvent(input)) as JetstreamCommitEvent;
    this.#pumpAll();
    return event;
  }

  /** Publishes any event: another collection, an update or delete, an identity or account change. */
  publish(input: JetstreamEventInput): JetstreamEvent {
    const event = this.#append(input);
    this.#pumpAll();
    return event;
  }

  /**
   * Sends one frame verbatim to every open client, ahead of anything still queued for it, and
   * keeps it out of the log (a reconnecting client never sees it again). A string goes out as a
   * text frame, bytes as a binary frame.
   */
  sendRaw(frame: string | Uint8Array): void {
    for (const subscriber of this.#subscribers) {
      if (subscriber.socket.readyState === WebSocket.OPEN) {
        subscriber.socket.send(frame, { binary: typeof frame !== "string" });
      }
    }
  }

  /** Cuts every client off without a close handshake, as a crash or a network failure would. */
  dropConnections(): void {
    for (const subscriber of this.#subscribers) subscriber.socket.terminate();
  }

  /**
   * Publishes `count` posts at a steady `perSecond` for benchmarks: each tick publishes what is
   * due by the clock, then hands it to clients in one pass, so 5,000 events/s stays cheap.
   */
  async stream(
    count: number,
    perSecond: number,
    makePost: (index: number) => PublishPostInput,
  ): Promise<StreamResult> {
    const startedAt = performance.now();
    let published = 0;
    while (published < count && !this.#closed) {
      const elapsedMs = performance.now() - startedAt;
      const due = Math.min(count, Math.floor((elapsedMs * perSecond) / 1000) + 1);
      for (; published < due; published++) this.#append(this.#postEvent(makePost(published)));
      this.#pumpAll();
      if (published < count) await sleep(STREAM_TICK_MS);
    }
    return { published, elapsedMs: performance.now() - startedAt };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pinger);
    this.dropConnections();
    this.#sockets.close();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  #postEvent(input: PublishPostInput): JetstreamEventInput {
    const timeUs = this.#nextTimeUs(input.timeUs);
    const record: Record<string, unknown> = {
      $type: POST_COLLECTION,
      createdAt: input.createdAt ?? new Date(Math.floor(timeUs / 1000)).toISOString(),
    };
    if (input.langs) record.langs = input.langs;
    record.text = input.text;
    return {
      did: input.did,
      time_us: timeUs,
      kind: "commit",
      commit: {
        rev: tid(timeUs, this.#clockId),
        operation: "create",
        collection: POST_COLLECTION,
        rkey: input.rkey ?? tid(timeUs - 1, this.#clockId),
        record,
        cid: recordCid(record),
      },
    };
  }

  #append(input: JetstreamEventInput): JetstreamEvent {
    const event = stamped(input, this.#nextTimeUs(input.time_us));
    this.#lastTimeUs = event.time_us;
    this.#log.push({
      event,
      frame: Buffer.from(JSON.stringify(event)),
      collection: event.kind === "commit" ? event.commit.collection : undefined,
    });
    return event;
  }

  /** time_us is the log's order and the cursor's unit, so it only ever moves forward. */
  #nextTimeUs(requested: number | undefined): number {
    if (requested === undefined) return Math.max(nowMicros(), this.#lastTimeUs + 1);
    if (!Number.isSafeInteger(requested) || requested <= this.#lastTimeUs) {
      throw new RangeError(
        `time_us ${requested} must be an integer after the last published event (${this.#lastTimeUs})`,
      );
    }
    return requested;
  }

  #onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => {});
    this.#connectRequests.push(`ws://${request.headers.host ?? "127.0.0.1"}${request.url ?? "/"}`);
    if (this.#pathOf(request) !== "/subscribe") {
      rejectUpgrade(socket, 404, "404 page not found\n");
      return;
    }
    let plan: SubscribePlan;
    try {
      plan = parseSubscribeRequest(new URL(request.url ?? "/", "http://127.0.0.1").searchParams);
    } catch (error) {
      // Like the real server: a bad filter or cursor is refused before the upgrade, in plain text.
      rejectUpgrade(socket, 400, `${(error as Error).message}\n`);
      return;
    }
    this.#sockets.handleUpgrade(request, socket, head, (websocket) => this.#subscribe(websocket, plan));
  }

  #subscribe(socket: WebSocket, plan: SubscribePlan): void {
    const subscriber: Subscriber = {
      socket,
      filter: plan.filter,
      next: plan.cursor === undefined ? this.#log.length : this.#firstIndexAtOrAfter(plan.cursor),
      held: plan.requireHello,
      startsLive: plan.cursor === undefined,
      awaitingFlush: false,
      stallTimer: undefined,
      onFlushed: (error) => {
        if (error || !subscriber.awaitingFlush) return;
        clearTimeout(subscriber.stallTimer);
        subscriber.awaitingFlush = false;
        this.#pump(subscriber);
      },
    };
    this.#subscribers.add(subscriber);
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(subscriber.stallTimer);
      this.#subscribers.delete(subscriber);
    });
    socket.on("message", (data, isBinary) => this.#onClientMessage(subscriber, data, isBinary));
    this.#pump(subscriber);
  }

  /** Subscribers may replace their filter mid-stream with an options_update message. */
  #onClientMessage(subscriber: Subscriber, data: RawData, isBinary: boolean): void {
    if (isBinary) return;
    let message: { type?: unknown; payload?: unknown };
    try {
      message = JSON.parse(rawText(data));
    } catch {
      subscriber.socket.close(1007, "bad SubscriberSourcedMessage envelope");
      return;
    }
    if (message.type !== "options_update") return; // the real server logs and ignores other types
    const payload = (message.payload ?? {}) as Record<string, unknown>;
    try {
      subscriber.filter = parseFilter({
        wantedCollections: stringList(payload.wantedCollections),
        wantedDids: stringList(payload.wantedDids),
        maxMessageSizeBytes: Number(payload.maxMessageSizeBytes ?? 0),
      });
    } catch (error) {
      subscriber.socket.close(1008, (error as Error).message.slice(0, 123));
      return;
    }
    // A live subscriber's stream starts at the hello, as the real server reads the tip only then.
    if (subscriber.held && subscriber.startsLive) subscriber.next = this.#log.length;
    subscriber.held = false;
    this.#pump(subscriber);
  }

  #pumpAll(): void {
    for (const subscriber of this.#subscribers) this.#pump(subscriber);
  }

  /**
   * Hands a client the log entries after its position until its socket is congested. Each client
   * pulls at its own pace, so the fake never buffers more than the high-water mark per client.
   */
  #pump(subscriber: Subscriber): void {
    const { socket } = subscriber;
    if (subscriber.held || subscriber.awaitingFlush || socket.readyState !== WebSocket.OPEN) return;
    while (subscriber.next < this.#log.length) {
      if (socket.bufferedAmount >= this.#options.highWaterMarkBytes) {
        this.#awaitFlush(subscriber);
        return;
      }
      const entry = this.#log[subscriber.next++] as LogEntry;
      if (!wants(subscriber.filter, entry)) continue;
      socket.send(entry.frame, { binary: false }, subscriber.onFlushed);
    }
  }

  #awaitFlush(subscriber: Subscriber): void {
    subscriber.awaitingFlush = true;
    subscriber.stallTimer = setTimeout(() => {
      // Real Jetstream drops a client it cannot write to rather than buffer for it without bound.
      this.#slowConsumersDropped++;
      subscriber.socket.terminate();
    }, this.#options.writeTimeoutMs);
  }

  /** The real server replays from the first event at or after a time_us cursor (inclusive). */
  #firstIndexAtOrAfter(timeUs: number): number {
    let low = 0;
    let high = this.#log.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#log[middle] as LogEntry).event.time_us < timeUs) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #pathOf(request: IncomingMessage): string {
    return new URL(request.url ?? "/", "http://127.0.0.1").pathname;
  }
}

interface LogEntry {
  event: JetstreamEvent;
  /** Serialised once, sent to every client as is. */
  frame: Buffer;
  /** Only commits have one; the collection filter passes every other kind. */
  collection: string | undefined;
}

interface SubscriptionFilter {
  dids: ReadonlySet<string> | undefined;
  collections: ReadonlySet<string> | undefined;
  /** `app.bsky.feed.*` patterns, kept as `app.bsky.feed.`. */
  collectionPrefixes: readonly string[];
  /** 0: no limit. */
  maxMessageSizeBytes: number;
}

interface SubscribePlan {
  filter: SubscriptionFilter;
  /** undefined: start at the live tip. */
  cursor: number | undefined;
  requireHello: boolean;
}

interface Subscriber {
  socket: WebSocket;
  filter: SubscriptionFilter;
  /** Index of the next log entry this client has not yet been offered. */
  next: number;
  /** requireHello: nothing is sent until the first options_update. */
  held: boolean;
  /** Connected without a cursor. */
  startsLive: boolean;
  awaitingFlush: boolean;
  stallTimer: NodeJS.Timeout | undefined;
  onFlushed: (error?: Error) => void;
}

/** The event with its time, fields in the order the real server writes them. */
function stamped(input: JetstreamEventInput, timeUs: number): JetstreamEvent {
  switch (input.kind) {
    case "commit":
      return { did: input.did, time_us: timeUs, kind: "commit", commit: input.commit };
    case "identity":
      return { did: input.did, time_us: timeUs, kind: "identity", identity: input.identity };
    case "account":
      return { did: input.did, time_us: timeUs, kind: "account", account: input.account };
  }
}

function parseSubscribeRequest(query: URLSearchParams): SubscribePlan {
  return {
    filter: parseFilter({
      wantedCollections: query.getAll("wantedCollections"),
      wantedDids: query.getAll("wantedDids"),
      maxMessageSizeBytes: Number(query.get("maxMessageSizeBytes") ?? 0),
    }),
    cursor: parseCursor(query.get("cursor") ?? ""),
    requireHello: query.get("requireHello") === "true",
  };
}

/** A cursor in the future, like no cursor, means the live tip. */
function parseCursor(raw: string): number | undefined {
  if (raw === "") return undefined;
  if (!/^[+-]?\d+$/.test(raw)) throw new Error(`subscribe: invalid cursor: "${raw}"`);
  const cursor = Number(raw);
  if (cursor < 0) throw new Error(`subscribe: invalid cursor: negative value ${cursor}`);
  return cursor > nowMicros() ? undefined : cursor;
}

function parseFilter(input: {
  wantedCollections: string[];
  wantedDids: string[];
  maxMessageSizeBytes: number;
}): SubscriptionFilter {
  const collections = new Set<string>();
  const prefixes = new Set<string>();
  for (const wanted of input.wantedCollections) {
    // As the real server: a trailing ".*" makes a prefix, taken without further checks.
    if (wanted.endsWith(".*")) prefixes.add(wanted.slice(0, -1));
    else if (isNsid(wanted)) collections.add(wanted);
    else throw new Error(`subscribe: invalid options: invalid collection: ${wanted}`);
    if (collections.size + prefixes.size > MAX_WANTED_COLLECTIONS) {
      throw new Error(`subscribe: invalid options: too many wanted collections: > ${MAX_WANTED_COLLECTIONS}`);
    }
  }
  const dids = new Set<string>();
  for (const wanted of input.wantedDids) {
    if (!isDid(wanted)) throw new Error(`subscribe: invalid options: invalid DID: ${wanted}`);
    dids.add(wanted);
  }
  if (dids.size > MAX_WANTED_DIDS) {
    throw new Error(`subscribe: invalid options: too many wanted DIDs: ${dids.size} > ${MAX_WANTED_DIDS}`);
  }
  const size = input.maxMessageSizeBytes;
  return {
    dids: dids.size > 0 ? dids : undefined,
    collections: collections.size + prefixes.size > 0 ? collections : undefined,
    collectionPrefixes: [...prefixes],
    // Garbage, negative or oversized limits mean "no limit", as the real server coerces them.
    maxMessageSizeBytes: Number.isInteger(size) && size > 0 && size <= 0xffffffff ? size : 0,
  };
}

/** wantedDids applies to every kind; wantedCollections only to commits. */
function wants(filter: SubscriptionFilter, entry: LogEntry): boolean {
  if (filter.dids && !filter.dids.has(entry.event.did)) return false;
  if (filter.maxMessageSizeBytes > 0 && entry.frame.length > filter.maxMessageSizeBytes) return false;
  const { collection } = entry;
  if (!filter.collections || !collection) return true;
  return (
    filter.collections.has(collection) ||
    filter.collectionPrefixes.some((prefix) => collection.startsWith(prefix))
  );
}

function isNsid(value: string): boolean {
  const segments = value.split(".");
  if (segments.length < 3 || value.length > 317) return false;
  const name = segments.pop() as string;
  return (
    /^[a-zA-Z][a-zA-Z0-9]{0,62}$/.test(name) &&
    segments.every((segment) => /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(segment)) &&
    /^[a-zA-Z]/.test(segments[0] as string)
  );
}

function isDid(value: string): boolean {
  return value.length <= 2048 && /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/.test(value);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data as ArrayBuffer).toString("utf8");
}

/** Answers a refused upgrade on the raw socket: no WebSocket exists yet to speak through. */
function rejectUpgrade(socket: Duplex, status: number, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      "Content-Type: text/plain; charset=utf-8\r\n" +
      "X-Content-Type-Options: nosniff\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}

/** Wall-clock unix microseconds, finer than Date.now() so consecutive events rarely collide. */
function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

const SORTABLE_BASE32 = "234567abcdefghijklmnopqrstuvwxyz";

/**
 * An atproto TID, the form of repo revs and of post rkeys: 53 bits of unix microseconds and
 * 10 bits of clock id, written as 13 characters of sortable base32.
 */
export function tid(timeUs: number, clockId: number): string {
  let value = (BigInt(timeUs) << 10n) | BigInt(clockId & 0x3ff);
  let text = "";
  for (let index = 0; index < 13; index++) {
    text = (SORTABLE_BASE32[Number(value & 31n)] as string) + text;
    value >>= 5n;
  }
  return text;
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * A CIDv1 string of the form records have (dag-cbor codec, sha-256, base32: "bafyrei…"). It hashes
 * the record's JSON, not its DAG-CBOR encoding, so it names the record uniquely but cannot be
 * checked against it.
 */
export function recordCid(record: unknown): string {
  const digest = createHash("sha256").update(JSON.stringify(record)).digest();
  const bytes = Buffer.concat([Buffer.from([0x01, 0x71, 0x12, 0x20]), digest]);
  let text = "b";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      text += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) text += BASE32[(buffer << (5 - bits)) & 31];
  return text;
}
