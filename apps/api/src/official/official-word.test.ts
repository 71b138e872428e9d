import type { OfficialEpisode } from "@outcry/official";
import { describe, expect, it } from "vitest";
import { episodesOverlapping } from "./official-word.ts";

const from = Date.parse("2025-04-17T06:00:00Z");
const to = Date.parse("2025-04-17T09:00:00Z");
const MINUTE = 60_000;

const episode = (ref: string, start: number, end?: number, kind: OfficialEpisode["kind"] = "incident") => ({
  source: "https://status.example.com",
  kind,
  ref,
  start,
  ...(end !== undefined ? { end } : {}),
});

describe("episodesOverlapping", () => {
  it("keeps what touches the period, open ones and posts inside it, and nothing else", () => {
    const episodes = [
      episode("before", from - 60 * MINUTE, from - 30 * MINUTE),
      episode("ends-at-start", from - 30 * MINUTE, from),
      episode("across-start", from - 30 * MINUTE, from + MINUTE),
      episode("open-since-before", from - 90 * MINUTE),
      episode("inside", from + 10 * MINUTE, from + 20 * MINUTE),
      episode("post-at-start", from, from, "post"),
      episode("post-before", from - MINUTE, from - MINUTE, "post"),
      episode("starts-at-end", to, to + 10 * MINUTE),
      episode("post-at-end", to, to, "post"),
    ];
    expect(episodesOverlapping(episodes, { from, to }).map((kept) => kept.ref)).toEqual([
      "across-start",
      "open-since-before",
      "inside",
      "post-at-start",
    ]);
  });
});
