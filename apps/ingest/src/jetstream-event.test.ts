import { describe, expect, it } from "vitest";
import { readJetstreamFrame } from "./jetstream-event.ts";

const post = {
  did: "did:plc:abc",
  time_us: 1_744_790_400_000_000,
  kind: "commit",
  commit: {
    rev: "3l3qo2vutsw2b",
    operation: "create",
    collection: "app.bsky.feed.post",
    rkey: "3l3qo2vuowo2b",
    record: {
      $type: "app.bsky.feed.post",
      text: "is spotify down?",
      langs: ["en"],
      createdAt: "2025-04-16T08:00:00.000Z",
    },
    cid: "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi",
  },
};

describe("readJetstreamFrame", () => {
  it("turns a post create into a collected post with its at:// URI and network time", () => {
    expect(readJetstreamFrame(JSON.stringify(post))).toEqual({
      kind: "post",
      timeUs: post.time_us,
      post: {
        uri: "at://did:plc:abc/app.bsky.feed.post/3l3qo2vuowo2b",
        text: "is spotify down?",
        langs: ["en"],
        seenAt: 1_744_790_400_000,
      },
    });
  });

  it("moves the cursor on updates, deletes, other collections, identity and account events", () => {
    const update = { ...post, commit: { ...post.commit, operation: "update" } };
    const remove = {
      ...post,
      commit: { rev: "x", operation: "delete", collection: "app.bsky.feed.post", rkey: "r" },
    };
    const like = { ...post, commit: { ...post.commit, collection: "app.bsky.feed.like" } };
    expect(readJetstreamFrame(JSON.stringify(update))).toMatchObject({ kind: "commit", operation: "update" });
    expect(readJetstreamFrame(JSON.stringify(remove))).toMatchObject({ kind: "commit", operation: "delete" });
    expect(readJetstreamFrame(JSON.stringify(like))).toMatchObject({ kind: "commit", operation: "create" });
    for (const kind of ["identity", "account"]) {
      expect(readJetstreamFrame(JSON.stringify({ did: "did:plc:abc", time_us: 5, kind }))).toEqual({
        kind,
        timeUs: 5,
      });
    }
    expect(readJetstreamFrame(JSON.stringify({ did: "did:plc:abc", time_us: 6, kind: "sync" }))).toEqual({
      kind: "unknown",
      timeUs: 6,
    });
  });

  it("calls frames it cannot use malformed, and never throws", () => {
    const invalidRecord = {
      ...post,
      commit: { ...post.commit, record: { $type: "app.bsky.feed.post", text: 42 } },
    };
    for (const frame of [
      "not json",
      "null",
      "[1,2]",
      JSON.stringify({ kind: "commit" }),
      JSON.stringify({ ...post, time_us: -1 }),
      JSON.stringify({ ...post, did: undefined }),
      JSON.stringify({ ...post, commit: { ...post.commit, rkey: "" } }),
      JSON.stringify(invalidRecord),
    ]) {
      expect(readJetstreamFrame(frame).kind, frame).toBe("malformed");
    }
  });
});
