import { parseFeed } from "@rowanmanning/feed-parser";
import { XMLValidator } from "fast-xml-parser";
import { z } from "zod";
import type { OfficialChange } from "./official-change.ts";
import { excerpt, OfficialParseError } from "./official-parse-error.ts";
import { parseProviderTime } from "./provider-time.ts";
import type { Reading } from "./statuspage.ts";

type FeedItem = ReturnType<typeof parseFeed>["items"][number];

/** What Outcry keeps of a status feed between readings. */
export const FeedState = z.object({
  kind: z.literal("feed"),
  title: z.string(),
  items: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      publishedAt: z.number(),
      updatedAt: z.number(),
      resolved: z.boolean(),
    }),
  ),
});
export type FeedState = z.infer<typeof FeedState>;

export interface FeedEntry {
  id: string;
  title: string;
  url?: string;
  text: string;
  publishedAt: number;
  updatedAt: number;
  resolved: boolean;
}

/** Items kept in the state; status feeds list their last few dozen incidents. */
const KEPT_ITEMS = 200;
const BODY_LIMIT = 4_000;
// Status feeds say an incident is over in its title ("RESOLVED: ...", "[RESOLVED]") or in the
// first words of its latest update ("Resolved - This incident has been resolved.").
const RESOLVED = /\bresolved\b/i;

/**
 * An RSS or Atom document read as status entries (one per item), with the provider's times. Broken
 * XML, an HTML page or anything that is not a feed is an OfficialParseError: a lenient parse of a
 * truncated feed would look like incidents quietly disappearing. Items without a readable date are
 * left out (they cannot be placed in time).
 */
export function parseStatusFeed(body: string): { title: string; entries: FeedEntry[] } {
  const start = body.trimStart().slice(0, 300).toLowerCase();
  if (start.startsWith("<!doctype html") || start.startsWith("<html")) {
    throw new OfficialParseError(`feed: HTML instead of RSS or Atom (${excerpt(body)})`);
  }
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    throw new OfficialParseError(`feed: broken XML at line ${valid.err.line}: ${valid.err.msg}`);
  }
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(body);
  } catch (error) {
    throw new OfficialParseError(`feed: not RSS or Atom (${(error as Error).message})`);
  }
  const entries: FeedEntry[] = [];
  for (const item of feed.items) {
    const publishedAt =
      itemTime(item, ["pubdate", "published", "issued", "date"]) ?? item.published?.getTime();
    const updatedAt =
      itemTime(item, ["updated", "modified", "date"]) ?? item.updated?.getTime() ?? publishedAt;
    const published = publishedAt ?? updatedAt;
    if (published === undefined || updatedAt === undefined) continue;
    const title = (item.title ?? "").trim();
    const text = plainText(item.content ?? item.description ?? "");
    const url = item.url ?? undefined;
    const id = item.id ?? url ?? `${title}|${new Date(published).toISOString()}`;
    entries.push({
      id,
      title,
      ...(url ? { url } : {}),
      text,
      publishedAt: published,
      updatedAt: Math.max(updatedAt, published),
      resolved: RESOLVED.test(title) || RESOLVED.test(text.slice(0, 200)),
    });
  }
  return { title: feed.title ?? "", entries };
}

/**
 * A feed's new state and what changed since `previous`: each item first seen (an incident
 * created), an item whose updated time moved (an update), and an item that now says it is
 * resolved.
 */
export function readStatusFeed(
  feed: { title: string; entries: FeedEntry[] },
  previous: FeedState | undefined,
): Reading<FeedState> {
  const changes: OfficialChange[] = [];
  const known = new Map(previous?.items.map((item) => [item.id, item]));
  for (const entry of feed.entries) {
    const kept = known.get(entry.id);
    const common = {
      incidentId: entry.id,
      title: entry.title,
      ...(entry.text ? { body: entry.text } : {}),
      ...(entry.url ? { url: entry.url } : {}),
    };
    if (!kept) {
      changes.push({
        naturalKey: `item:${entry.id}:created`,
        kind: "incident-created",
        at: entry.publishedAt,
        ...common,
      });
    } else if (kept.updatedAt !== entry.updatedAt) {
      changes.push({
        naturalKey: `item:${entry.id}:updated:${new Date(entry.updatedAt).toISOString()}`,
        kind: "incident-updated",
        at: entry.updatedAt,
        ...common,
      });
    }
    if (entry.resolved && !kept?.resolved) {
      changes.push({
        naturalKey: `item:${entry.id}:resolved`,
        kind: "incident-resolved",
        at: entry.updatedAt,
        status: "resolved",
        ...common,
      });
    }
    known.set(entry.id, {
      id: entry.id,
      title: entry.title,
      publishedAt: entry.publishedAt,
      updatedAt: entry.updatedAt,
      resolved: entry.resolved || (kept?.resolved ?? false),
    });
  }
  const items = [...known.values()]
    .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id))
    .slice(0, KEPT_ITEMS);
  return { state: { kind: "feed", title: feed.title, items }, changes };
}

/** The first of the named child elements whose text is a timestamp, read with its own zone. */
function itemTime(item: FeedItem, names: string[]): number | undefined {
  for (const name of names) {
    const ms = parseProviderTime(item.element.findElementWithName(name)?.textContent);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

/** HTML of an item's description or content as plain text, for storing and matching words. */
function plainText(html: string): string {
  const text = html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}…` : text;
}
