import { describe, expect, it } from "vitest";
import { readAccountPosts } from "./account-posts.ts";

const account = { handle: "bsky.app", did: "did:plc:z72i7hdynmk6r22z27h6tvur" };
const post = (rkey: string, createdAt: string, indexedAt: string) => ({
  uri: `at://${account.did}/app.bsky.feed.post/${rkey}`,
  text: `post ${rkey}`,
  createdAt,
  indexedAt,
});

describe("an official account's posts", () => {
  it("records each post at the earlier of its claimed and indexed times, and only newer ones next time", () => {
    const first = readAccountPosts(
      account,
      [
        post("b", "2025-04-16T14:10:00+02:00", "2025-04-16T12:10:02.000Z"),
        // A clock in the future: counted from when the network saw it.
        post("a", "2025-04-17T00:00:00Z", "2025-04-16T12:05:00.000Z"),
      ],
      undefined,
    );
    expect(first.changes.map((change) => [change.naturalKey, new Date(change.at).toISOString()])).toEqual([
      [`post:at://${account.did}/app.bsky.feed.post/b`, "2025-04-16T12:10:00.000Z"],
      [`post:at://${account.did}/app.bsky.feed.post/a`, "2025-04-16T12:05:00.000Z"],
    ]);
    expect(first.state.newestAt).toBe(Date.parse("2025-04-16T12:10:00Z"));
    const next = readAccountPosts(
      account,
      [
        post("c", "2025-04-16T12:30:00Z", "2025-04-16T12:30:01Z"),
        post("a", "2025-04-17T00:00:00Z", "2025-04-16T12:05:00Z"),
      ],
      first.state,
    );
    expect(next.changes.map((change) => change.body)).toEqual(["post c"]);
  });
});
