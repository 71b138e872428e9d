import { loadSeedCatalog } from "@outcry/core";
import { describe, expect, it } from "vitest";
import { loadGazetteer } from "./gazetteer.ts";
import { PostAnalyzer } from "./text-pipeline.ts";

describe("complaint features", () => {
  const analyzer = new PostAnalyzer(loadSeedCatalog(), loadGazetteer());
  const features = (text: string, lang: string) => {
    const analysis = analyzer.analyze({ text, langs: [lang] });
    if (typeof analysis === "string") throw new Error(`stopped at ${analysis}`);
    return analysis.candidates[0]?.features ?? [];
  };

  it("counts each feature once: repeated outage words and marks are not stronger evidence", () => {
    const list = features("down down down, spotify is DOWN!!! down?", "en");
    expect(new Set(list).size).toBe(list.length);
    expect(list).toContain("k-before");
    expect(list).toContain("k-after");
  });

  it("copies the features that are not words once more, tagged with the post's language", () => {
    const list = features("ドコモ繋がらない", "ja");
    expect(list).toContain("outage-word-near");
    expect(list).toContain("ja|outage-word-near");
    expect(list).toContain("ja|bias");
    // Words are language-specific already.
    expect(list.some((feature) => feature.startsWith("ja|u:") || feature.startsWith("ja|k:"))).toBe(false);
  });
});
