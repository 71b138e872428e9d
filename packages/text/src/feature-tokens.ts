import {
  PorterStemmer,
  PorterStemmerDe,
  PorterStemmerEs,
  PorterStemmerFr,
  PorterStemmerPt,
} from "./natural.ts";
import type { Language } from "./outage-vocabulary.ts";

// The complaint model's words: each post's text cut into the units it learns weights for, so that
// spellings of one word meet in one feature ("l'appli" and "appli", "réseau" and "reseau").

const STEMMERS: Partial<Record<Language, { stem(token: string): string }>> = {
  en: PorterStemmer,
  es: PorterStemmerEs,
  pt: PorterStemmerPt,
  fr: PorterStemmerFr,
  de: PorterStemmerDe,
};
const TOKEN = /[\p{L}\p{N}'’]+|[?!%$£€"“”«»:]/gu;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]/u;
const NUMBER = "numx";
const YEAR = "yearx";

// French elides the articles and pronouns before a vowel: "l'appli", "j'arrive", "c'est", "qu'il".
// Split off, the word after them is the word people write elsewhere without one.
const FRENCH_ELISION = /^(c|d|j|l|m|n|s|t|qu)'(?=\p{L})/u;
const COMBINING_MARKS = /\p{M}/gu;

/**
 * Words of a normalized, masked post as the model sees them: stemmed by natural's Porter stemmer for
 * the post's language, French elisions split off, accents folded after stemming (French, Spanish and
 * Portuguese posts are typed with and without them alike; natural's German stemmer folds umlauts
 * itself), numbers folded to a few tokens, and Japanese and Chinese runs cut into character pairs,
 * which need no dictionary and catch 繋がらない and 落ちてる alike. `keep` are placeholder words that
 * pass through as they are.
 */
export function featureTokens(text: string, language: Language, keep: ReadonlySet<string>): string[] {
  const stemmer = STEMMERS[language];
  const tokens: string[] = [];
  for (const [match] of text.matchAll(TOKEN)) {
    let word = match.replaceAll("’", "'");
    if (keep.has(word) || word.length === 1) {
      tokens.push(word);
      continue;
    }
    if (/^\p{N}+$/u.test(word)) {
      tokens.push(numberToken(word));
      continue;
    }
    if (UNSPACED.test(word)) {
      tokens.push(...characterPairs(word));
      continue;
    }
    if (language === "fr") {
      const elision = FRENCH_ELISION.exec(word);
      if (elision) {
        tokens.push(elision[0]);
        word = word.slice(elision[0].length);
        if (keep.has(word)) {
          tokens.push(word);
          continue;
        }
      }
    }
    const stem = stemmer ? stemmer.stem(word) : word;
    tokens.push(language === "de" ? stem : foldAccents(stem));
  }
  return tokens;
}

// Numbers fold to one token, but HTTP errors ("503") keep theirs, and years stand apart: a post that
// names one ("pokémon go in 2016") usually recalls an old outage rather than reporting one.
function numberToken(digits: string): string {
  if (/^5\d\d$/.test(digits)) return digits;
  if (/^(19[89]\d|20[0-3]\d)$/.test(digits)) return YEAR;
  return NUMBER;
}

function foldAccents(word: string): string {
  return word.normalize("NFD").replace(COMBINING_MARKS, "");
}

// A run mixing scripts ("line繋がらない") keeps its Latin part whole and pairs the rest.
function characterPairs(word: string): string[] {
  const pairs: string[] = [];
  for (const part of word.split(
    /(?<=[\p{Script=Latin}\p{N}])(?=[^\p{Script=Latin}\p{N}])|(?<=[^\p{Script=Latin}\p{N}])(?=[\p{Script=Latin}\p{N}])/u,
  )) {
    if (!UNSPACED.test(part) || part.length === 1) pairs.push(part);
    else for (let i = 0; i + 1 < part.length; i++) pairs.push(part.slice(i, i + 2));
  }
  return pairs;
}
