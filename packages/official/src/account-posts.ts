import { z } from "zod";
import type { OfficialChange } from "./official-change.ts";
import { parseProviderTime } from "./provider-time.ts";
import type { Reading } from "./statuspage.ts";

/** What Outcry keeps of an official account between readings. */
export const AccountState = z.object({
  kind: z.literal("bluesky"),
  handle: z.string(),
  did: z.string(),
  /** The newest post seen, epoch ms. */
  newestAt: z.number().optional(),
});
export type AccountState = z.infer<typeof AccountState>;

/** A post of the account itself (not a repost), as app.bsky.feed.getAuthorFeed gives it. */
export interface AccountPost {
  uri: string;
  text: string;
  /** The record's own claim. */
  createdAt: string;
  /** When the AppView saw it. */
  indexedAt: string;
}

const BODY_LIMIT = 4_000;

/**
 * Each post of the account is one thing it said, dated as the AppView sorts posts: the earlier of
 * its claimed and indexed times, so a post with a clock in the future counts from when it was
 * seen. Posts older than the newest already seen, or whose times cannot be read, are left out.
 */
export function readAccountPosts(
  account: { handle: string; did: string },
  posts: AccountPost[],
  previous: AccountState | undefined,
): Reading<AccountState> {
  const changes: OfficialChange[] = [];
  let newestAt = previous?.did === account.did ? previous.newestAt : undefined;
  for (const post of posts) {
    const created = parseProviderTime(post.createdAt);
    const indexed = parseProviderTime(post.indexedAt);
    const at = created === undefined ? indexed : indexed === undefined ? created : Math.min(created, indexed);
    if (at === undefined) continue;
    if (newestAt !== undefined && at < newestAt) continue;
    const text = post.text.length > BODY_LIMIT ? `${post.text.slice(0, BODY_LIMIT)}…` : post.text;
    changes.push({ naturalKey: `post:${post.uri}`, kind: "post", at, body: text, url: post.uri });
  }
  for (const change of changes) newestAt = Math.max(newestAt ?? change.at, change.at);
  return {
    state: {
      kind: "bluesky",
      handle: account.handle,
      did: account.did,
      ...(newestAt !== undefined ? { newestAt } : {}),
    },
    changes,
  };
}
