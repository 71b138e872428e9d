import { AppBskyFeedPost } from "@atproto/api";

/** A new post, as both collectors hand it to the text pipeline. */
export interface CollectedPost {
  /** at://did/app.bsky.feed.post/rkey: the post's identity, and what makes counting idempotent. */
  uri: string;
  text: string;
  langs: string[];
  /** When the network saw it, epoch ms (Jetstream time_us, or the AppView's indexedAt). */
  seenAt: number;
}

/** What one Jetstream frame turned out to be, so each kind can be counted. */
export type JetstreamFrame =
  | { kind: "post"; timeUs: number; post: CollectedPost }
  // A commit that is not a new post (an update, a delete, another collection): moves the cursor only.
  | { kind: "commit"; timeUs: number; operation: string }
  | { kind: "identity" | "account"; timeUs: number }
  | { kind: "unknown"; timeUs: number | undefined }
  | { kind: "malformed"; reason: string };

const POST_COLLECTION = "app.bsky.feed.post";

/**
 * Reads one Jetstream frame (JSON text: { did, time_us, kind, commit?, identity?, account? }). Never
 * throws: a frame it cannot use is "malformed" or "unknown", counted and skipped. A new post's record
 * is checked against the app.bsky.feed.post lexicon before any of it is used.
 */
export function readJetstreamFrame(data: string): JetstreamFrame {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    return { kind: "malformed", reason: "not JSON" };
  }
  if (typeof event !== "object" || event === null) return { kind: "malformed", reason: "not an object" };
  const { did, time_us: timeUs, kind, commit } = event as Record<string, unknown>;
  if (typeof timeUs !== "number" || !Number.isSafeInteger(timeUs) || timeUs <= 0) {
    return { kind: "malformed", reason: "no time_us" };
  }
  if (kind === "identity" || kind === "account") return { kind, timeUs };
  if (kind !== "commit") return { kind: "unknown", timeUs };
  if (typeof did !== "string" || typeof commit !== "object" || commit === null) {
    return { kind: "malformed", reason: "commit without did or commit" };
  }
  const { operation, collection, rkey, record } = commit as Record<string, unknown>;
  if (typeof operation !== "string") return { kind: "malformed", reason: "commit without operation" };
  if (operation !== "create" || collection !== POST_COLLECTION) return { kind: "commit", timeUs, operation };
  if (typeof rkey !== "string" || rkey === "") return { kind: "malformed", reason: "post without rkey" };
  const validation = AppBskyFeedPost.validateRecord(record);
  if (!validation.success) return { kind: "malformed", reason: "record is not a valid post" };
  return {
    kind: "post",
    timeUs,
    post: {
      uri: `at://${did}/${POST_COLLECTION}/${rkey}`,
      text: validation.value.text,
      langs: validation.value.langs ?? [],
      seenAt: Math.floor(timeUs / 1000),
    },
  };
}
