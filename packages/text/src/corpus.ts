import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hashString } from "@outcry/detection";
import { z } from "zod";
import { LANGUAGES } from "./outage-vocabulary.ts";

/** One labelled post of the corpus that ships in packages/text/corpus (see its README). */
export const CorpusPost = z.object({
  text: z.string().min(1).max(300),
  lang: z.enum(LANGUAGES),
  label: z.enum(["outage", "other"]),
  service: z.string().nullable(),
  problem: z.enum(["login", "app", "playback", "payments", "website", "connection"]).nullable().optional(),
  region: z.string().length(2).nullable().optional(),
  kind: z.string(),
});
export type CorpusPost = z.infer<typeof CorpusPost>;

export const CORPUS_DIR = join(import.meta.dirname, "..", "corpus");

/**
 * Every post of the corpus, validated: a bad line fails loudly with its file and line number. This is
 * the package's one file read: the corpus is its training data, read once at start-up.
 */
export function loadCorpus(dir = CORPUS_DIR): CorpusPost[] {
  const posts: CorpusPost[] = [];
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith(".jsonl"))
    .sort()) {
    const lines = readFileSync(join(dir, file), "utf8").split("\n");
    lines.forEach((line, index) => {
      if (line.trim() === "") return;
      const parsed = CorpusPost.safeParse(JSON.parse(line));
      if (!parsed.success) {
        throw new Error(`${file}:${index + 1}: ${z.prettifyError(parsed.error)}`);
      }
      posts.push(parsed.data);
    });
  }
  return posts;
}

/**
 * A fixed fifth of the corpus, chosen by a hash of each post's text, is held out: the model never
 * trains on it, and every published figure is measured on it. Adding posts never moves old ones.
 */
export function isHeldOut(post: CorpusPost): boolean {
  return hashString(post.text) % 5 === 0;
}
