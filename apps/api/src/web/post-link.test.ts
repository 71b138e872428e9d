import { describe, expect, it } from "vitest";
import { postUrl } from "./post-link.ts";

describe("a post's link on bsky.app", () => {
  it("is the author's DID and the record key", () => {
    expect(postUrl("at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3l3qo2vuowo2b")).toBe(
      "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3l3qo2vuowo2b",
    );
    expect(postUrl("at://did:web:example.com/app.bsky.feed.post/abc")).toBe(
      "https://bsky.app/profile/did:web:example.com/post/abc",
    );
  });

  it("is refused for anything that is not a post's URI, so a stored URI cannot become a hostile link", () => {
    for (const uri of [
      "javascript:alert(1)",
      "at://did:plc:abc/app.bsky.feed.like/xyz",
      'at://did:plc:abc"onmouseover="alert(1)/app.bsky.feed.post/x',
      "at://did:plc:abc/app.bsky.feed.post/x/../../evil",
      "https://evil.example/app.bsky.feed.post/x",
    ]) {
      expect(postUrl(uri), uri).toBeUndefined();
    }
  });
});
