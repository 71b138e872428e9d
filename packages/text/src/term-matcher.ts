import { AhoCorasick } from "@monyone/aho-corasick/fast";

/** One dictionary entry: `prefix` terms match the start of a word ("crash" finds "crashing"). */
export interface Term<T> {
  text: string;
  data: T;
  prefix?: boolean;
}

export interface TermHit<T> {
  text: string;
  data: T;
  start: number;
  end: number;
}

// A word boundary is a change from a spaced script's letter or digit to anything else, so a Latin
// name glued to Japanese ("discord落ちてる") still stands alone.
const WORD_CHAR = /[\p{L}\p{N}]/u;
// Japanese and Chinese are written without spaces: their terms match anywhere.
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && WORD_CHAR.test(char) && !UNSPACED_SCRIPT.test(char);
}

/**
 * Every term of a dictionary found in one pass over the text (Aho-Corasick), then kept only where it
 * stands as a whole word: "down" in "spotify down" but not in "download". Built once per
 * dictionary (catalog change); matching cost does not grow with the number of terms.
 */
export class TermMatcher<T> {
  readonly #automaton: AhoCorasick;
  // The automaton reports which string matched; several terms may share one (prefix or not).
  readonly #terms = new Map<string, Term<T>[]>();

  constructor(terms: Iterable<Term<T>>) {
    for (const term of terms) {
      const same = this.#terms.get(term.text);
      if (same) same.push(term);
      else this.#terms.set(term.text, [term]);
    }
    this.#automaton = new AhoCorasick([...this.#terms.keys()]);
  }

  /** Whole-word hits, in order of their start. */
  find(text: string): TermHit<T>[] {
    const hits: TermHit<T>[] = [];
    for (const match of this.#automaton.matchInText(text)) {
      for (const term of this.#terms.get(match.keyword) ?? []) {
        if (!standsAlone(text, match.begin, match.end, term)) continue;
        hits.push({ text: term.text, data: term.data, start: match.begin, end: match.end });
      }
    }
    return hits.sort((a, b) => a.start - b.start || b.end - a.end);
  }
}

function standsAlone(text: string, start: number, end: number, term: Term<unknown>): boolean {
  const first = term.text[0];
  const last = term.text[term.text.length - 1];
  if (UNSPACED_SCRIPT.test(term.text)) return true;
  if (isWordChar(first) && isWordChar(text[start - 1])) return false;
  if (!term.prefix && isWordChar(last) && isWordChar(text[end])) return false;
  return true;
}

/** Drops hits covered by a longer one ("apple tv" inside "apple tv+"), keeping the earliest-longest. */
export function outermostHits<T>(hits: readonly TermHit<T>[]): TermHit<T>[] {
  const kept: TermHit<T>[] = [];
  for (const hit of hits) {
    const last = kept[kept.length - 1];
    if (last && hit.start < last.end) {
      if (hit.end - hit.start > last.end - last.start) kept[kept.length - 1] = hit;
      continue;
    }
    kept.push(hit);
  }
  return kept;
}
