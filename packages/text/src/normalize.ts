// Post text -> one canonical form that every later stage (prefilter, matcher, classifier) reads, so
// "#SpotifyDown", "SPOTIFY DOWWWN" and "spotify down https://t.co/x" all look alike.

const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/giu;
// Bluesky handles: "@discord.com" or "@steamstatus.bsky.social" often name the service, so the
// handle's first label stays as a word; the rest of the domain goes.
const MENTION = /(?<![\p{L}\p{N}])@([\p{L}\p{N}_-]+)[\p{L}\p{N}._-]*/gu;
const HASHTAG = /#([\p{L}\p{N}_]+)/gu;
// Three or more of the same letter is emphasis ("dowwwn", "noooo", "落ちたーーー"), never spelling.
const ELONGATION = /(\p{L}|ー|〜)\1{2,}/gu;
const SPACES = /\s+/gu;
const CAMEL_BOUNDARY = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

/**
 * Splits lower-case hashtags that glue a known word to others ("#spotifydown", "#discordcaido"):
 * the longest known prefix first, then the rest the same way; falls back to the tag itself.
 */
export class HashtagSplitter {
  readonly #words: Set<string>;
  readonly #longest: number;

  constructor(words: Iterable<string>) {
    this.#words = new Set([...words].filter((word) => /^[\p{L}\p{N}]+$/u.test(word)));
    this.#longest = Math.max(0, ...[...this.#words].map((word) => word.length));
  }

  split(tag: string): string {
    const parts = this.#segment(tag, 0);
    return parts ? parts.join(" ") : tag;
  }

  #segment(tag: string, from: number): string[] | undefined {
    if (from === tag.length) return [];
    for (let end = Math.min(tag.length, from + this.#longest); end > from; end--) {
      const word = tag.slice(from, end);
      if (!this.#words.has(word)) continue;
      const rest = this.#segment(tag, end);
      if (rest) return [word, ...rest];
    }
    return undefined;
  }
}

/**
 * Unicode NFKC, URLs and mentions removed, hashtags split into words, case folded, elongations
 * collapsed, whitespace squeezed. Keeps accents and non-Latin scripts: they carry meaning.
 */
export function normalizePost(text: string, hashtags?: HashtagSplitter): string {
  return text
    .normalize("NFKC")
    .replace(URL, " ")
    .replace(MENTION, " $1 ")
    .replace(HASHTAG, (_tag, body: string) => {
      const words = body.split(CAMEL_BOUNDARY).join(" ").replaceAll("_", " ").toLowerCase();
      return ` ${words.includes(" ") || !hashtags ? words : hashtags.split(words)} `;
    })
    .toLowerCase()
    .replace(ELONGATION, "$1")
    .replace(SPACES, " ")
    .trim();
}
