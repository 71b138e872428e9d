import { loadSeedCatalog } from "@outcry/core";
import { describe, expect, it } from "vitest";
import { loadGazetteer } from "./gazetteer.ts";
import { RegionHints } from "./region-hints.ts";

describe("RegionHints", () => {
  const hints = new RegionHints(loadGazetteer());
  const catalog = new Map(loadSeedCatalog().map((service) => [service.slug, service]));
  const hint = (text: string, service: string, langs: string[] = []) =>
    hints.hint(hints.places(text), catalog.get(service), langs);

  it("reads a place named in the text first, a city before a country", () => {
    expect(hint("spotify down in london", "spotify", ["en"])).toMatchObject({
      region: "GB",
      evidence: "place",
    });
    expect(hint("caiu aqui em são paulo", "spotify", ["pt"])).toMatchObject({
      region: "BR",
      evidence: "place",
    });
    expect(hint("大阪でドコモ繋がらない", "ntt-docomo", ["ja"])).toMatchObject({
      region: "JP",
      evidence: "place",
    });
    expect(hint("anyone in brazil? spotify down", "spotify")).toMatchObject({
      region: "BR",
      evidence: "country",
    });
  });

  it("lets the longest place name win", () => {
    expect(hint("no signal in northern ireland", "ee")).toMatchObject({ region: "GB" });
  });

  it("falls back to the one country a regional service serves, then to language tags", () => {
    expect(hint("sparkasse störung", "sparkasse", ["de"])).toMatchObject({
      region: "DE",
      evidence: "service",
    });
    expect(hint("spotify is down", "spotify", ["en-AU"])).toMatchObject({
      region: "AU",
      evidence: "language-tag",
    });
    expect(hint("spotify落ちてる", "spotify", ["ja"])).toMatchObject({ region: "JP", evidence: "language" });
  });

  it("says ZZ when nothing tells", () => {
    expect(hint("spotify is down", "spotify", ["en"])).toEqual({
      region: "ZZ",
      confidence: 0,
      evidence: "none",
    });
    expect(hint("spotify no funciona", "spotify", ["es"])).toMatchObject({ region: "ZZ" });
  });
});
