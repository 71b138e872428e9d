import type { RedisClient } from "./redis-connection.ts";

/**
 * The live stream's events, in one Redis stream per prefix: every api replica reads it and fans the
 * events out to its own SSE clients, and its entry ids are the SSE event ids, so a client that
 * reconnects with Last-Event-ID is replayed what it missed. Trimmed to about the last 10,000
 * events (hours of incidents and minute counts), which bounds both memory and how far back a resume
 * can reach.
 */
export const LIVE_EVENTS_MAX_LENGTH = 10_000;

export interface LiveEvent {
  /** incident.opened, incident.updated, incident.resolved, counts */
  type: string;
  /** The service it is about; absent for events about several (counts). */
  service?: string | undefined;
  [field: string]: unknown;
}

export interface StoredLiveEvent {
  /** The Redis stream entry id ("1713254400000-0"): increasing, usable as an SSE event id. */
  id: string;
  event: LiveEvent;
}

export function liveEventsKey(prefix: string): string {
  return `${prefix}:live-events`;
}

/** Appends one event; resolves with its id. */
export async function appendLiveEvent(redis: RedisClient, prefix: string, event: LiveEvent): Promise<string> {
  const id = await redis.xadd(
    liveEventsKey(prefix),
    "MAXLEN",
    "~",
    String(LIVE_EVENTS_MAX_LENGTH),
    "*",
    "event",
    JSON.stringify(event),
  );
  return id as string;
}

/** Events after `afterId` (exclusive), oldest first, at most `count`. */
export async function liveEventsAfter(
  redis: RedisClient,
  prefix: string,
  afterId: string,
  count = 1_000,
): Promise<StoredLiveEvent[]> {
  const entries = await redis.xrange(liveEventsKey(prefix), `(${afterId}`, "+", "COUNT", count);
  return entries.flatMap(([id, fields]) => parseEntry(id, fields));
}

/**
 * Waits up to `blockMs` for events after `afterId` ("$" for only new ones); resolves with what came
 * (possibly nothing). Needs a connection of its own: XREAD BLOCK holds it.
 */
export async function readLiveEvents(
  redis: RedisClient,
  prefix: string,
  afterId: string,
  blockMs: number,
): Promise<StoredLiveEvent[]> {
  const result = await redis.xread(
    "COUNT",
    1_000,
    "BLOCK",
    blockMs,
    "STREAMS",
    liveEventsKey(prefix),
    afterId,
  );
  if (!result) return [];
  return result.flatMap(([, entries]) => entries.flatMap(([id, fields]) => parseEntry(id, fields)));
}

/** The id of the newest event, or "0-0" when there is none yet. */
export async function lastLiveEventId(redis: RedisClient, prefix: string): Promise<string> {
  const [last] = await redis.xrevrange(liveEventsKey(prefix), "+", "-", "COUNT", 1);
  return last?.[0] ?? "0-0";
}

/**
 * Creates a consumer group over the live events (idempotent). A group reads each event once across
 * its consumers and remembers what each has not acknowledged, so a consumer that crashes mid-way
 * has its events claimed by another: how webhooks get every event exactly once into their queue.
 * A new group starts at the stream's end.
 */
export async function ensureLiveEventsGroup(
  redis: RedisClient,
  prefix: string,
  group: string,
): Promise<void> {
  try {
    await redis.xgroup("CREATE", liveEventsKey(prefix), group, "$", "MKSTREAM");
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith("BUSYGROUP"))) throw error;
  }
}

export interface GroupRead {
  events: StoredLiveEvent[];
  /** Every entry id read, the unreadable ones too: acknowledge them all once handled. */
  ids: string[];
}

/** New events for this consumer of the group, waiting up to `blockMs`. Holds its connection. */
export async function readLiveEventsAsGroup(
  redis: RedisClient,
  prefix: string,
  group: string,
  consumer: string,
  blockMs: number,
): Promise<GroupRead> {
  const result = (await redis.xreadgroup(
    "GROUP",
    group,
    consumer,
    "COUNT",
    100,
    "BLOCK",
    blockMs,
    "STREAMS",
    liveEventsKey(prefix),
    ">",
  )) as Array<[string, Array<[string, string[] | null]>]> | null;
  return groupRead(result?.[0]?.[1] ?? []);
}

/** Takes over events another consumer read but did not acknowledge within `minIdleMs`. */
export async function claimStaleLiveEvents(
  redis: RedisClient,
  prefix: string,
  group: string,
  consumer: string,
  minIdleMs: number,
): Promise<GroupRead> {
  const [, entries] = (await redis.xautoclaim(
    liveEventsKey(prefix),
    group,
    consumer,
    minIdleMs,
    "0-0",
    "COUNT",
    100,
  )) as [string, Array<[string, string[] | null]>];
  return groupRead(entries);
}

export async function ackLiveEvents(
  redis: RedisClient,
  prefix: string,
  group: string,
  ids: string[],
): Promise<void> {
  if (ids.length > 0) await redis.xack(liveEventsKey(prefix), group, ...ids);
}

// An entry trimmed away while pending comes back without fields.
function groupRead(entries: Array<[string, string[] | null]>): GroupRead {
  return {
    events: entries.flatMap(([id, fields]) => (fields ? parseEntry(id, fields) : [])),
    ids: entries.map(([id]) => id),
  };
}

function parseEntry(id: string, fields: string[]): StoredLiveEvent[] {
  const at = fields.indexOf("event");
  try {
    return at >= 0 ? [{ id, event: JSON.parse(fields[at + 1] as string) as LiveEvent }] : [];
  } catch {
    return [];
  }
}
