import { loadSeedCatalog } from "@outcry/core";
import { createRandom } from "@outcry/detection";
import { isHeldOut, loadCorpus } from "./corpus.ts";
import { normalizePost } from "./normalize.ts";
import { PostScanner } from "./post-scanner.ts";
import type { PostInput } from "./text-pipeline.ts";

const COMMON_OUTAGE_WORDS = [
  "can't",
  "won't",
  "down",
  "não",
  "nicht",
  "rien",
  "nada",
  "できない",
  "error",
  "nothing",
];
const LANGUAGE_TAGS = ["en", "es", "pt", "fr", "de", "ja"];

/**
 * A synthetic firehose for benchmarks. Background posts are sentences of words from the corpus's
 * non-complaints (six languages), less any word the scanner takes for an outage word or a service's
 * name, so they read like ordinary posts to the prefilter. Then, in every 1,000 posts: 50 carry a
 * common word the prefilter must let through ("can't", "não", "nicht"...), 10 are chatter naming a
 * service, and 1 is a real complaint (from the held-out split): the rate the issue names.
 */
export function firehoseMix(size: number, seed = 7): PostInput[] {
  const random = createRandom(seed);
  const corpus = loadCorpus();
  const scanner = new PostScanner(loadSeedCatalog());
  const ordinary = (word: string) =>
    word.length > 1 && !scanner.scan(word) && (scanner.scan(`down ${word}`)?.mentions.length ?? 0) === 0;
  const words = [
    ...new Set(
      corpus
        .filter((post) => post.label === "other")
        .flatMap((post) => normalizePost(post.text).split(" "))
        .filter(ordinary),
    ),
  ];
  const complaints = corpus.filter((post) => post.label === "outage" && isHeldOut(post));
  const chatter = corpus.filter((post) => post.kind === "chatter");
  const sentence = (extra?: string) => {
    const parts = Array.from({ length: random.int(6, 30) }, () => random.pick(words));
    if (extra) parts.splice(random.int(0, parts.length), 0, extra);
    // Bluesky posts are at most 300 graphemes (the lexicon's limit).
    return parts.join(" ").slice(0, 300);
  };
  return Array.from({ length: size }, (_, index) => {
    const slot = index % 1000;
    if (slot <= 10) {
      const post = random.pick(slot === 0 ? complaints : chatter);
      return { text: post.text, langs: [post.lang] };
    }
    const langs = [random.pick(LANGUAGE_TAGS)];
    return { text: slot <= 60 ? sentence(random.pick(COMMON_OUTAGE_WORDS)) : sentence(), langs };
  });
}
