import { JaroWinklerDistance } from "./natural.ts";

/** A stretch of a normalized post that reads as a misspelling of a service's name. */
export interface MisspeltName {
  service: string;
  start: number;
  end: number;
  /** Jaro-Winkler similarity to the name, always at least MIN_SIMILARITY. */
  similarity: number;
}

// Misspellings are only looked for in words long enough to be told apart from ordinary words.
const MIN_LENGTH = 5;
const MIN_SIMILARITY = 0.93;
// In a two-word name one word is spelt right, which makes a looser match of the other safe enough
// ("aple music", "disney plsu", "mercado apgo"), down to words of three letters.
const PAIR_MIN_LENGTH = 3;
const PAIR_MIN_SIMILARITY = 0.88;
// Names of other things a letter from a catalog name, so never taken for a typo of it: PayPay is
// a Japanese payments app, not PayPal.
const LOOK_ALIKES: ReadonlySet<string> = new Set(["paypay"]);
// Misspelt names are looked for among Latin-script words only: "netflxの再生" -> "netflx".
const LATIN_WORD = /[\p{Script=Latin}\p{N}]+/gu;

interface Word {
  text: string;
  start: number;
  end: number;
}

/**
 * Finds service names typed wrong ("spotfy", "dsicord", "aple music", "prime vidoe") with natural's
 * Jaro-Winkler similarity. Comparing every word with every name would be too slow for the stream,
 * so one-word names are filed under two-letter keys a typo rarely changes: the first letter with the
 * second (deletions and typos later in the word) and with the third (the first two letters swapped,
 * "dsicord", "gtihub"). Two-word names are filed under the word spelt right.
 */
export class MisspeltNames {
  readonly #single = new Map<string, { name: string; service: string }[]>();
  readonly #pairs = new Map<string, { first: string; second: string; service: string }[]>();
  readonly #known: ReadonlySet<string>;

  /** `known`: words that are terms in their own right (outage words, exact names), never typos. */
  constructor(known: ReadonlySet<string>) {
    this.#known = known;
  }

  add(name: string, service: string): void {
    const words = name.split(" ");
    if (!words.every((word) => /^[\p{L}\p{N}]+$/u.test(word))) return;
    if (words.length === 1 && name.length >= MIN_LENGTH) {
      for (const key of new Set([name.slice(0, 2), name[0] + (name[2] ?? "")])) {
        file(this.#single, key, { name, service });
      }
    } else if (words.length === 2) {
      const [first, second] = words as [string, string];
      const entry = { first, second, service };
      file(this.#pairs, first, entry);
      if (second !== first) file(this.#pairs, second, entry);
    }
  }

  /** Misspelt names among the post's Latin words, outside the spans already accounted for. */
  find(text: string, taken: readonly { start: number; end: number }[]): MisspeltName[] {
    const words: Word[] = [];
    for (const word of text.matchAll(LATIN_WORD)) {
      const start = word.index;
      const end = start + word[0].length;
      if (taken.some((span) => span.start < end && start < span.end)) continue;
      words.push({ text: word[0], start, end });
    }
    const found: MisspeltName[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as Word;
      const next = words[i + 1];
      // Only words next to each other in the text ("aple music", not "aple, music").
      const pair = next && next.start === word.end + 1 ? this.#closestPair(word.text, next.text) : undefined;
      if (pair && next) {
        found.push({ ...pair, start: word.start, end: next.end });
        i++;
        continue;
      }
      const single = this.#closestSingle(word.text);
      if (single) found.push({ ...single, start: word.start, end: word.end });
    }
    return found;
  }

  #closestSingle(token: string): { service: string; similarity: number } | undefined {
    if (token.length < MIN_LENGTH || this.#known.has(token) || LOOK_ALIKES.has(token)) return undefined;
    let best: { service: string; similarity: number } | undefined;
    for (const candidate of this.#single.get(token.slice(0, 2)) ?? []) {
      if (Math.abs(candidate.name.length - token.length) > 2) continue;
      // A name cut short by two letters or more is another word ("disco", "netfl"), not a slip.
      if (candidate.name.length - token.length >= 2 && candidate.name.startsWith(token)) continue;
      const similarity = JaroWinklerDistance(token, candidate.name);
      if (similarity >= MIN_SIMILARITY && similarity > (best?.similarity ?? 0)) {
        best = { service: candidate.service, similarity };
      }
    }
    return best;
  }

  // One word exactly a word of the name, the other close to the name's other word.
  #closestPair(first: string, second: string): { service: string; similarity: number } | undefined {
    let best: { service: string; similarity: number } | undefined;
    const consider = (service: string, typed: string, meant: string) => {
      if (typed.length < PAIR_MIN_LENGTH || typed === meant || Math.abs(typed.length - meant.length) > 2)
        return;
      const similarity = JaroWinklerDistance(typed, meant);
      if (similarity >= PAIR_MIN_SIMILARITY && similarity > (best?.similarity ?? 0))
        best = { service, similarity };
    };
    for (const name of this.#pairs.get(first) ?? []) {
      if (name.first === first) consider(name.service, second, name.second);
    }
    for (const name of this.#pairs.get(second) ?? []) {
      if (name.second === second) consider(name.service, first, name.first);
    }
    return best;
  }
}

function file<T>(index: Map<string, T[]>, key: string, entry: T): void {
  const list = index.get(key) ?? [];
  list.push(entry);
  index.set(key, list);
}
