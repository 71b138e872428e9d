import { describe, expect, it } from "vitest";
import { MisspeltNames } from "./misspelt-names.ts";

describe("MisspeltNames", () => {
  const names = new MisspeltNames(new Set(["down", "music", "apple", "stream"]));
  for (const [name, service] of [
    ["discord", "discord"],
    ["github", "github"],
    ["spotify", "spotify"],
    ["apple music", "apple-music"],
    ["prime video", "prime-video"],
    ["steam", "steam"],
    ["paypal", "paypal"],
  ] as const) {
    names.add(name, service);
  }
  const found = (text: string) =>
    names.find(text, []).map((name) => [name.service, text.slice(name.start, name.end)]);

  it("finds one-word names typed wrong, also with the first letters swapped round", () => {
    expect(found("spotfy is down")).toEqual([["spotify", "spotfy"]]);
    expect(found("dsicord down")).toEqual([["discord", "dsicord"]]);
    expect(found("gtihub 500s")).toEqual([["github", "gtihub"]]);
  });

  it("finds two-word names with one word spelt right and the other close", () => {
    expect(found("aple music won't play")).toEqual([["apple-music", "aple music"]]);
    expect(found("prime vidoe ne marche pas")).toEqual([["prime-video", "prime vidoe"]]);
  });

  it("leaves alone known words, short words, far-off words and words already accounted for", () => {
    // "stream" is a word of its own, though one letter from "steam".
    expect(found("the stream is down")).toEqual([]);
    expect(found("discord")).toEqual([["discord", "discord"]]);
    expect(names.find("dsicord down", [{ start: 0, end: 7 }])).toEqual([]);
    expect(found("dinosaur night")).toEqual([]);
    // Neither word of the name spelt right: too far to call.
    expect(found("aple musik")).toEqual([]);
    // A word the name begins with is a word of its own; a letter short is still a slip.
    expect(found("disco night was down to earth")).toEqual([]);
    expect(found("discor is down")).toEqual([["discord", "discor"]]);
    // Another brand a letter away.
    expect(found("paypay down")).toEqual([]);
    expect(found("paypl down")).toEqual([["paypal", "paypl"]]);
  });
});
