import { describe, expect, it } from "vitest";
import { HashtagSplitter, normalizePost } from "./normalize.ts";

describe("normalizePost", () => {
  const hashtags = new HashtagSplitter(["spotify", "discord", "down", "caido"]);

  it("splits hashtags, camel-cased or glued from known words", () => {
    expect(normalizePost("#SpotifyDown again", hashtags)).toBe("spotify down again");
    expect(normalizePost("#spotifydown #discordcaido", hashtags)).toBe("spotify down discord caido");
    expect(normalizePost("#unknownthing", hashtags)).toBe("unknownthing");
  });

  it("removes URLs and keeps only the first label of a handle", () => {
    expect(normalizePost("is it down? https://downdetector.com/x @discord.com @someone.bsky.social")).toBe(
      "is it down? discord someone",
    );
  });

  it("folds case and width, and collapses emphasis", () => {
    expect(normalizePost("ＳＰＯＴＩＦＹ is DOWWWN noooo")).toBe("spotify is down no");
    expect(normalizePost("落ちたーーー")).toBe("落ちたー");
    // Accents and other scripts carry meaning: they stay.
    expect(normalizePost("Está caído")).toBe("está caído");
  });
});
