import { loadSeedCatalog } from "@outcry/core";
import { describe, expect, it } from "vitest";
import { isHeldOut, loadCorpus } from "./corpus.ts";

describe("the labelled corpus", () => {
  const corpus = loadCorpus();

  it("holds each text once: a repeated post would be trained on and scored twice", () => {
    expect(new Set(corpus.map((post) => post.text)).size).toBe(corpus.length);
  });

  it("labels every complaint with a service of the catalog", () => {
    const slugs = new Set(loadSeedCatalog().map((service) => service.slug));
    const unknown = corpus.filter(
      (post) => post.service !== null && !slugs.has(post.service) && post.label === "outage",
    );
    expect(unknown).toEqual([]);
    expect(corpus.filter((post) => post.label === "outage" && post.service === null)).toEqual([]);
  });

  it("holds out a fifth, by each post's own text, so adding posts never moves old ones", () => {
    const share = corpus.filter(isHeldOut).length / corpus.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
    const post = corpus[0] as (typeof corpus)[number];
    expect(isHeldOut({ ...post, kind: "something else", lang: "ja" })).toBe(isHeldOut(post));
  });
});
