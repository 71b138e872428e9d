import type { Cue } from "./cue-words.ts";
import { featureTokens } from "./feature-tokens.ts";
import type { Language } from "./outage-vocabulary.ts";
import type { ServiceMention } from "./post-scanner.ts";

/** A span of the normalized text that stands for something other than its words. */
export interface Span {
  start: number;
  end: number;
}

export interface KeywordSpan extends Span {
  text: string;
}

/** What the pipeline knows about a post before judging each service it names. */
export interface PostContext {
  /** The normalized text, which every span refers to. */
  text: string;
  /** The text as written: its capitals and punctuation are cues too. */
  original: string;
  language: Language;
  mentions: readonly ServiceMention[];
  places: readonly Span[];
  keywords: readonly KeywordSpan[];
  cues: ReadonlySet<Cue>;
  problems: ReadonlySet<string>;
}

// An outage word this close to the service's name (in characters) is about it.
const NEAR_CHARS = 20;

// Placeholders that replace names, so the model learns "<service> is down" once for all services,
// and "<other service> is down so I'm on <service>" as a complaint about the other one.
const CANDIDATE = "svcx";
const OTHER_SERVICE = "svco";
const PLACE = "placex";
const PLACEHOLDERS = new Set([CANDIDATE, OTHER_SERVICE, PLACE]);
// Features named by the post's own words (unigrams, pairs, outage words, the words around the name).
const LEXICAL = /^(u|b|k|kn|l\d|r\d):/;
// How many words either side of the candidate service get their own position-tagged feature
// (chosen by 5-fold cross-validation on the training split: 2, 3, 5, 6 and 8 were tried).
const WINDOW = 6;

/**
 * Features of "this post complains about this service": stemmed words and word pairs
 * (`feature-tokens.ts`), the words right around the service's name, and a few shape cues.
 */
export function complaintFeatures(post: PostContext, candidate: ServiceMention): string[] {
  const { text, language, places, keywords, original, cues, problems } = post;
  const others = post.mentions.filter((mention) => mention.service !== candidate.service);
  const tokens = featureTokens(mask(text, candidate, others, places), language, PLACEHOLDERS);
  const features = ["bias", ...shapeFeatures(original)];
  for (const cue of cues) features.push(`cue:${cue}`);
  // Which outage words the post uses, and whether they stand next to this service's name: "spotify
  // is down" and "down for discord tonight" share a word but not a place.
  // The language-free versions ("has an outage word", "one next to the name") let what the model
  // learns from the larger languages carry over to the smaller ones.
  let near = false;
  for (const keyword of keywords) {
    features.push(`k:${keyword.text}`);
    const gap =
      keyword.start >= candidate.end ? keyword.start - candidate.end : candidate.start - keyword.end;
    if (gap >= 0 && gap <= NEAR_CHARS) {
      features.push(`kn:${keyword.text}`, keyword.start >= candidate.end ? "k-after" : "k-before");
      near = true;
    }
  }
  features.push(`outage-words:${Math.min(keywords.length, 3)}`);
  if (near) features.push("outage-word-near");
  for (const problem of problems) features.push(`problem:${problem}`);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    features.push(`u:${token}`);
    if (i > 0) features.push(`b:${tokens[i - 1]} ${token}`);
  }
  const at = tokens.indexOf(CANDIDATE);
  for (let offset = 1; offset <= WINDOW; offset++) {
    const after = tokens[at + offset];
    const before = tokens[at - offset];
    if (after !== undefined) features.push(`r${offset}:${after}`);
    if (before !== undefined) features.push(`l${offset}:${before}`);
  }
  if (at === 0) features.push("starts-with-service");
  if (others.length > 0) features.push("names-other-services");
  if (candidate.similarity < 1) features.push("misspelt-service");
  if (candidate.weak) features.push("ambiguous-name");
  if (tokens.length <= 4) features.push("short");
  // Binary features, each counted once: three outage words before the name are not three times the
  // evidence of one, nor is "!!!" three times "!".
  const unique = new Set(features);
  // Each feature that is not a word gets a second copy tagged with the post's language: the shared
  // copy learns what holds everywhere, the tagged one how a language differs (Japanese posts use
  // outage words and the past tense in news far more than English ones). Words are language-specific
  // already.
  for (const feature of features) {
    if (!LEXICAL.test(feature)) unique.add(`${language}|${feature}`);
  }
  return [...unique];
}

function mask(text: string, candidate: Span, others: readonly Span[], places: readonly Span[]): string {
  const spans = [
    { ...candidate, as: CANDIDATE },
    ...others.map((span) => ({ ...span, as: OTHER_SERVICE })),
    ...places.map((span) => ({ ...span, as: PLACE })),
  ].sort((a, b) => a.start - b.start);
  let masked = "";
  let from = 0;
  for (const span of spans) {
    if (span.start < from) continue;
    masked += `${text.slice(from, span.start)} ${span.as} `;
    from = span.end;
  }
  return masked + text.slice(from);
}

const WORDS = /[\p{L}][\p{L}'’-]*/gu;
const EMOJI = /\p{Extended_Pictographic}/u;

/**
 * How the post is written, which lower-casing erases: news is in title case and ends with a full
 * stop; complaints shout, trail off, ask and use emoji.
 */
function shapeFeatures(original: string): string[] {
  const words = original.match(WORDS) ?? [];
  const features: string[] = [];
  if (words.length >= 4) {
    const capitalized = words.filter((word) => /^\p{Lu}/u.test(word)).length / words.length;
    features.push(
      capitalized >= 0.4
        ? "shape:title-case"
        : capitalized === 0
          ? "shape:no-capitals"
          : "shape:some-capitals",
    );
  }
  if (words.some((word) => word.length >= 3 && word === word.toUpperCase() && word !== word.toLowerCase())) {
    features.push("shape:shouting");
  }
  if (/[.。]\s*$/u.test(original)) features.push("shape:full-stop");
  if (EMOJI.test(original)) features.push("shape:emoji");
  if (/^[^:]{2,40}:\s/u.test(original)) features.push("shape:source-colon");
  features.push(`shape:length-${Math.min(4, Math.floor(words.length / 8))}`);
  return features;
}
