import type { Service } from "@outcry/core";
import { UNKNOWN_REGION } from "@outcry/core";
import { outermostHits, type TermHit, TermMatcher } from "./term-matcher.ts";

/** Country and place names per ISO 3166-1 code, lower case (see gazetteer/places.json). */
export interface Gazetteer {
  countries: Record<string, readonly string[]>;
  places: Record<string, readonly string[]>;
}

export type RegionEvidence = "place" | "country" | "service" | "language-tag" | "language" | "none";

export interface RegionHint {
  region: string;
  confidence: number;
  evidence: RegionEvidence;
}

// A post's language alone says little about where its author is, except where one country writes
// most of it: Japanese is written in Japan, Bluesky's Portuguese mostly in Brazil, its German mostly
// in Germany. Spanish, English and French are spread too thin to guess.
const LANGUAGE_COUNTRY: Record<string, { region: string; confidence: number }> = {
  ja: { region: "JP", confidence: 0.8 },
  pt: { region: "BR", confidence: 0.6 },
  de: { region: "DE", confidence: 0.5 },
};
const CONFIDENCE: Record<Exclude<RegionEvidence, "language" | "none">, number> = {
  place: 0.9,
  country: 0.85,
  service: 0.6,
  "language-tag": 0.6,
};

/**
 * Where a complaint comes from: a place named in the text, else the one country a regional service
 * serves, else the post's language tags; ZZ (unknown) when nothing says.
 */
export class RegionHints {
  readonly #matcher: TermMatcher<{ region: string; evidence: "place" | "country" }>;

  constructor(gazetteer: Gazetteer) {
    const terms = [];
    for (const [region, names] of Object.entries(gazetteer.countries)) {
      for (const name of names) terms.push({ text: name, data: { region, evidence: "country" as const } });
    }
    for (const [region, names] of Object.entries(gazetteer.places)) {
      for (const name of names) terms.push({ text: name, data: { region, evidence: "place" as const } });
    }
    this.#matcher = new TermMatcher(terms);
  }

  /** Place names in a normalized post; the longest wins ("northern ireland" is not Ireland). */
  places(text: string): TermHit<{ region: string; evidence: "place" | "country" }>[] {
    return outermostHits(this.#matcher.find(text));
  }

  hint(
    places: readonly TermHit<{ region: string; evidence: "place" | "country" }>[],
    service: Service | undefined,
    langs: readonly string[],
  ): RegionHint {
    // A city says more than a country ("in Porto, Portugal" -> both agree; "Madrid" alone is enough).
    const place = places.find((hit) => hit.data.evidence === "place") ?? places[0];
    if (place) {
      return {
        region: place.data.region,
        confidence: CONFIDENCE[place.data.evidence],
        evidence: place.data.evidence,
      };
    }
    if (service?.countries.length === 1) {
      return { region: service.countries[0] as string, confidence: CONFIDENCE.service, evidence: "service" };
    }
    for (const tag of langs) {
      const region = /^[a-z]{2,3}-([a-z]{2})$/i.exec(tag)?.[1];
      if (region)
        return {
          region: region.toUpperCase(),
          confidence: CONFIDENCE["language-tag"],
          evidence: "language-tag",
        };
    }
    const primary = langs[0]?.slice(0, 2).toLowerCase();
    const guess = primary ? LANGUAGE_COUNTRY[primary] : undefined;
    if (guess) return { ...guess, evidence: "language" };
    return { region: UNKNOWN_REGION, confidence: 0, evidence: "none" };
  }
}
