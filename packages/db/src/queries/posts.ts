import { and, desc, eq, gte, lt, ne, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { detectorStates, ingestCursors, posts } from "../schema/index.ts";

/** A collector's saved position, or undefined before its first save. */
export async function loadIngestCursor(db: Db, name: string): Promise<number | undefined> {
  const rows = await db
    .select({ cursor: ingestCursors.cursor })
    .from(ingestCursors)
    .where(eq(ingestCursors.name, name));
  return rows[0]?.cursor;
}

export async function saveIngestCursor(db: Db, name: string, cursor: number): Promise<void> {
  await db
    .insert(ingestCursors)
    .values({ name, cursor })
    .onConflictDoUpdate({ target: ingestCursors.name, set: { cursor, updatedAt: sql`now()` } });
}

export interface PostRow {
  uri: string;
  service: string;
  region: string;
  problem: string | null;
  postedAt: Date;
  text: string;
  lang: string;
  score: number;
}

/** A service's latest matching posts, newest first ("what people say"). */
export async function latestPosts(
  db: Db,
  service: string,
  limit: number,
  before?: number,
): Promise<PostRow[]> {
  const conditions = [eq(posts.service, service)];
  if (before !== undefined) conditions.push(lt(posts.postedAt, new Date(before)));
  return db
    .select()
    .from(posts)
    .where(and(...conditions))
    .orderBy(desc(posts.postedAt))
    .limit(limit);
}

/**
 * Forgets posts older than the retention; returns how many went. Their counts stay: only the text
 * goes, and a post older than the retention can no longer arrive twice (the search poller never
 * looks back that far).
 */
export async function prunePosts(db: Db, retentionMs: number, now = Date.now()): Promise<number> {
  const removed = await db
    .delete(posts)
    .where(lt(posts.postedAt, new Date(now - retentionMs)))
    .returning({ uri: posts.uri });
  return removed.length;
}

/**
 * Services whose detector currently sees possible problems or worse: the ones worth searching for
 * more posts. Reads the detector's one row per series, never the counts.
 */
export async function servicesWithProblems(db: Db, since: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ service: detectorStates.service })
    .from(detectorStates)
    .where(and(ne(detectorStates.status, "ok"), gte(detectorStates.lastBucket, new Date(since))));
  return rows.map((row) => row.service).sort();
}
