import { describe, expect, it } from "vitest";
import { outermostHits, TermMatcher } from "./term-matcher.ts";

describe("TermMatcher", () => {
  const matcher = new TermMatcher([
    { text: "down", data: "down" },
    { text: "crash", data: "crash", prefix: true },
    { text: "discord", data: "discord" },
    { text: "落ち", data: "落ち" },
    { text: "apple tv", data: "apple-tv" },
    { text: "apple tv+", data: "apple-tv-plus" },
  ]);
  const found = (text: string) => matcher.find(text).map((hit) => hit.data);

  it("finds whole words only, and word starts for prefix terms", () => {
    expect(found("discord down")).toEqual(["discord", "down"]);
    expect(found("download finished, downtown")).toEqual([]);
    expect(found("it keeps crashing")).toEqual(["crash"]);
    expect(found("superdiscord")).toEqual([]);
  });

  it("matches Japanese anywhere, and a Latin name glued to Japanese", () => {
    expect(found("discord落ちてる")).toEqual(["discord", "落ち"]);
  });

  it("keeps the longest of overlapping hits", () => {
    expect(outermostHits(matcher.find("apple tv+ is down")).map((hit) => hit.data)).toEqual([
      "apple-tv-plus",
      "down",
    ]);
  });
});
