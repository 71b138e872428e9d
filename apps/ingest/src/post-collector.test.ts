import { Signal } from "@outcry/core";
import { describe, expect, it } from "vitest";
import { signalIdFor } from "./post-collector.ts";

describe("signalIdFor", () => {
  it("gives a post the same valid UUID every time, and another post another", () => {
    const uri = "at://did:plc:abc/app.bsky.feed.post/3l3qo2vuowo2b";
    const id = signalIdFor(uri);
    expect(signalIdFor(uri)).toBe(id);
    expect(signalIdFor(`${uri}x`)).not.toBe(id);
    const signal = {
      id,
      service: "spotify",
      region: "ZZ",
      source: "bluesky",
      at: 1,
      post: { uri, lang: "en", score: 0.9 },
    };
    expect(Signal.safeParse(signal).success).toBe(true);
  });

  it("is refused as a bluesky signal without its post, and a report with one", () => {
    const base = { id: signalIdFor("at://x/app.bsky.feed.post/y"), service: "spotify", region: "ZZ", at: 1 };
    expect(Signal.safeParse({ ...base, source: "bluesky" }).success).toBe(false);
    const post = { uri: "at://x/app.bsky.feed.post/y", lang: "en", score: 0.9 };
    expect(Signal.safeParse({ ...base, source: "report", post }).success).toBe(false);
  });
});
