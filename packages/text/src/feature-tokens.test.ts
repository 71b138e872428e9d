import { describe, expect, it } from "vitest";
import { featureTokens } from "./feature-tokens.ts";

describe("featureTokens", () => {
  const none = new Set<string>();

  it("splits French elisions off, so the word after one meets the same word without one", () => {
    expect(featureTokens("l'appli plante", "fr", none)).toEqual(["l'", "appli", "plant"]);
    expect(featureTokens("appli plante", "fr", none)).toEqual(["appli", "plant"]);
    expect(featureTokens("c’est svcx", "fr", new Set(["svcx"]))).toEqual(["c'", "est", "svcx"]);
    // Whole words with an apostrophe inside are not elisions.
    expect(featureTokens("aujourd'hui quelqu'un", "fr", none)).toEqual(["aujourd'hui", "quelqu'un"]);
    // English contractions stay whole: "can't" is a negation, not "can".
    expect(featureTokens("can't log in", "en", none)).toEqual(["can't", "log", "in"]);
  });

  it("folds accents after stemming, so posts typed without them read the same", () => {
    expect(featureTokens("le réseau est coupé", "fr", none)).toEqual(
      featureTokens("le reseau est coupe", "fr", none),
    );
    expect(featureTokens("está caído, sin conexión", "es", none)).toEqual(
      featureTokens("esta caido, sin conexion", "es", none),
    );
    expect(featureTokens("conexão instável", "pt", none)).toEqual(
      featureTokens("conexao instavel", "pt", none),
    );
  });

  it("keeps HTTP errors, folds other numbers, and tells years apart", () => {
    expect(featureTokens("in 2016 it gave 503 for 42 minutes", "en", none)).toEqual([
      "in",
      "yearx",
      "it",
      "gave",
      "503",
      "for",
      "numx",
      "minut",
    ]);
  });

  it("cuts Japanese into character pairs and keeps a glued Latin name whole", () => {
    expect(featureTokens("svcx落ちた", "ja", new Set(["svcx"]))).toEqual(["svcx", "落ち", "ちた"]);
  });
});
