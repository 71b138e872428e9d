import type { Redis } from "ioredis";

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
export async function appendLiveEvent(redis: Redis, prefix: string, event: LiveEvent): Promise<string> {
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
  redis: Redis,
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
  redis: Redis,
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
export async function lastLiveEventId(redis: Redis, prefix: string): Promise<string> {
  const [last] = await redis.xrevrange(liveEventsKey(prefix), "+", "-", "COUNT", 1);
  return last?.[0] ?? "0-0";
}

function parseEntry(id: string, fields: string[]): StoredLiveEvent[] {
  const at = fields.indexOf("event");
  try {
    return at >= 0 ? [{ id, event: JSON.parse(fields[at + 1] as string) as LiveEvent }] : [];
  } catch {
    return [];
  }
}
