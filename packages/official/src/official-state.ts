import { z } from "zod";
import { AccountState } from "./account-posts.ts";
import { FeedState } from "./status-feed.ts";
import { StatuspageState } from "./statuspage.ts";

/** The state kept for any kind of source, as stored between readings. */
export const OfficialState = z.discriminatedUnion("kind", [StatuspageState, FeedState, AccountState]);
export type OfficialState = z.infer<typeof OfficialState>;

/**
 * A stored state read back; one written by another version of Outcry that no longer fits is
 * treated as none (the next reading starts afresh, and the store's natural keys keep it from
 * recording anything twice).
 */
export function readOfficialState(stored: unknown): OfficialState | undefined {
  const parsed = OfficialState.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}
