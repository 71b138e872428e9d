import type { Catalog } from "@outcry/core";
import { COLLOQUIAL_NAMES } from "./colloquial-names.ts";
import { MisspeltNames } from "./misspelt-names.ts";
import { keywordTerms, LANGUAGES, OUTAGE_KEYWORDS } from "./outage-vocabulary.ts";
import { outermostHits, type Term, type TermHit, TermMatcher } from "./term-matcher.ts";

/** Where a post names a service: the span of the name itself, and how sure the match is. */
export interface ServiceMention {
  service: string;
  start: number;
  end: number;
  /** 1 for an exact alias, the Jaro-Winkler similarity for a misspelt one ("spotfy"). */
  similarity: number;
  /** A name that is also an ordinary word ("chase", "zoom", "x"): weaker evidence alone. */
  weak: boolean;
}

export interface PostScan {
  /** Generic outage words found ("down", "no funciona", "落ちた"), in order. */
  keywords: TermHit<unknown>[];
  mentions: ServiceMention[];
}

type ScanTerm =
  | { kind: "outage" }
  // A catalog keyword such as "zoom down": a service phrase too ambiguous alone ("zoom") to be an
  // alias. nameStart/nameEnd locate the service's name inside it.
  | { kind: "service"; service: string; nameStart: number; nameEnd: number; outage: boolean; weak: boolean };

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The prefilter and service finder in one: a single compiled matcher over every service alias, every
 * service-specific phrase of the catalog and every outage keyword. Rebuilt when the catalog changes.
 */
export class PostScanner {
  readonly #matcher: TermMatcher<ScanTerm>;
  readonly #vocabulary = new Set<string>();
  readonly #misspelt = new MisspeltNames(this.#vocabulary);

  constructor(catalog: Catalog) {
    // Several languages share words ("down", "bug"): one term each.
    const outageTerms = [
      ...new Map(
        LANGUAGES.flatMap((language) => keywordTerms(OUTAGE_KEYWORDS[language])).map((term) => [
          `${term.text}${term.prefix ? "*" : ""}`,
          term,
        ]),
      ).values(),
    ];
    const outageOnly = new TermMatcher(outageTerms.map((term) => ({ ...term, data: null })));
    const terms: Term<ScanTerm>[] = outageTerms.map((term) => ({ ...term, data: { kind: "outage" } }));
    for (const service of catalog) {
      const names = new Set([...service.aliases, ...(COLLOQUIAL_NAMES[service.slug] ?? [])]);
      for (const name of names) terms.push(...nameTerms(name, service.slug, false, names));
      // The catalog leaves a name out of the aliases when it is also an ordinary word ("Zoom",
      // "Chase", "Slack"): it still names the service, weakly, and the classifier weighs that.
      const weakNames = new Set<string>();
      const displayName = service.name.toLowerCase();
      if (!names.has(displayName)) weakNames.add(displayName);
      for (const keyword of service.keywords) {
        const span = serviceNameIn(keyword, outageOnly.find(keyword));
        terms.push({
          text: keyword,
          data: { kind: "service", service: service.slug, ...span, outage: true, weak: false },
        });
        const name = keyword.slice(span.nameStart, span.nameEnd);
        if (!names.has(name)) weakNames.add(name);
      }
      for (const name of weakNames) {
        // A longer name that holds an unambiguous one ("github actions" holds "github") is as sure,
        // and must not hide it: the matcher keeps only the longer of two overlapping names.
        const weak = ![...names].some((alias) => ` ${name} `.includes(` ${alias} `));
        terms.push(...nameTerms(name, service.slug, weak, names));
      }
      for (const name of [...names, ...weakNames]) this.#misspelt.add(name, service.slug);
    }
    for (const term of terms) {
      for (const word of term.text.match(WORD) ?? []) this.#vocabulary.add(word);
    }
    this.#matcher = new TermMatcher(terms);
  }

  /** Words the scanner knows, for splitting glued hashtags ("#spotifydown"). */
  get vocabulary(): ReadonlySet<string> {
    return this.#vocabulary;
  }

  /**
   * Outage words and service mentions in a normalized post, or undefined when it has neither an
   * outage word nor a service's name: the cheap rejection that most posts get.
   */
  scan(text: string): PostScan | undefined {
    const hits = this.#matcher.find(text);
    const keywords: TermHit<unknown>[] = [];
    const serviceHits: TermHit<ScanTerm>[] = [];
    let servicePhrase = false;
    for (const hit of hits) {
      if (hit.data.kind === "outage") keywords.push(hit);
      else {
        serviceHits.push(hit);
        servicePhrase ||= hit.data.outage;
      }
    }
    // A name shared by several services ("o2", "copilot") is a mention of each; the classifier,
    // which sees each service's countries, tells them apart.
    const kept = outermostHits(serviceHits);
    const shared = serviceHits.filter(
      (hit) =>
        !kept.includes(hit) && kept.some((other) => other.start === hit.start && other.end === hit.end),
    );
    const mentions: ServiceMention[] = [...kept, ...shared].map((hit) => {
      const term = hit.data as Extract<ScanTerm, { kind: "service" }>;
      return {
        service: term.service,
        start: hit.start + term.nameStart,
        end: hit.start + term.nameEnd,
        similarity: 1,
        weak: term.weak,
      };
    });
    // Through to the classifier: any post with an outage word, or one that names a service by an
    // unambiguous name ("discord is not having a good day"). A weak name alone ("x", "zoom") is too
    // common to be worth it. A catalog phrase ("ドコモ 障害") counts as both.
    if (keywords.length === 0 && !servicePhrase && !mentions.some((mention) => !mention.weak))
      return undefined;
    // Misspelt names are looked for wherever there is an outage word, also beside a name spelt right:
    // "spotfy down so i'm on soundcloud" is a complaint about the misspelt one.
    if (keywords.length > 0) {
      for (const name of this.#misspelt.find(text, [...keywords, ...mentions]))
        mentions.push({ ...name, weak: false });
    }
    return { keywords, mentions };
  }
}

/**
 * A service's name on its own, as matcher terms. A name of several words is also matched hyphenated,
 * as compounds write it ("Apple-Pay-Zahlung", "Prime-Video-Abo", "ING-App"), unless that spelling is
 * a name of its own.
 */
function nameTerms(
  name: string,
  service: string,
  weak: boolean,
  names: ReadonlySet<string>,
): Term<ScanTerm>[] {
  const hyphenated = name.replaceAll(" ", "-");
  const spellings = hyphenated !== name && !names.has(hyphenated) ? [name, hyphenated] : [name];
  return spellings.map((text) => ({
    text,
    data: { kind: "service", service, nameStart: 0, nameEnd: text.length, outage: false, weak },
  }));
}

/**
 * The part of a service phrase that is not an outage word: "zoom" in "zoom down", "livebox" in
 * "panne livebox", "sbi" in "sbi server down". The longest stretch between outage words wins.
 */
export function serviceNameIn(keyword: string, outageHits: readonly TermHit<unknown>[]) {
  let best = { nameStart: 0, nameEnd: 0 };
  let from = 0;
  for (const stop of [
    ...outageHits.map((hit) => ({ start: hit.start, end: hit.end })),
    { start: keyword.length, end: keyword.length },
  ]) {
    if (stop.start > from) {
      const chunk = keyword.slice(from, stop.start);
      const nameStart = from + (chunk.length - chunk.trimStart().length);
      const nameEnd = from + chunk.trimEnd().length;
      if (nameEnd - nameStart > best.nameEnd - best.nameStart) best = { nameStart, nameEnd };
    }
    from = Math.max(from, stop.end);
  }
  return best.nameEnd > best.nameStart ? best : { nameStart: 0, nameEnd: keyword.length };
}
