// Throughput of the text pipeline (normalize + prefilter + match + classify) on one core, over a
// firehose-like mix, against a bare baseline that only normalizes Unicode and case:
//   pnpm bench:text [--seconds 10]
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { loadSeedCatalog } from "@outcry/core";
import { createRandom } from "@outcry/detection";
import { isHeldOut, loadCorpus, type PostInput, trainedPipeline } from "../src/index.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" } } });
const seconds = Number(values.seconds);
const random = createRandom(7);
const corpus = loadCorpus();
const catalog = loadSeedCatalog();

// Background posts are sentences of the corpus's own words (six languages) with service names and
// outage words taken out, so they read like ordinary posts to the prefilter. Then, per 1,000 posts:
// 50 carry a common word the prefilter must let through ("can't", "não", "nicht", "rien"...), 10
// name a service with no complaint, and 1 is a real complaint (the 1 in 1,000).
const serviceWords = new Set(catalog.flatMap((service) => [...service.aliases, service.name.toLowerCase()]));
const outageish = ["can't", "won't", "down", "não", "nicht", "rien", "nada", "できない", "error", "again"];
const words = [
  ...new Set(
    corpus.flatMap((post) =>
      post.text
        .toLowerCase()
        .split(/\s+/)
        .filter(
          (word) =>
            word.length > 1 &&
            !serviceWords.has(word) &&
            !/down|caí|caiu|panne|störung|落ち|障害|not|no\b/.test(word),
        ),
    ),
  ),
];
const complaints = corpus.filter((post) => post.label === "outage" && isHeldOut(post));
const chatter = corpus.filter((post) => post.kind === "chatter");
const languages = ["en", "es", "pt", "fr", "de", "ja"];

function sentence(extra?: string): string {
  const length = random.int(6, 30);
  const parts = Array.from({ length }, () => random.pick(words));
  if (extra) parts.splice(random.int(0, parts.length), 0, extra);
  return parts.join(" ");
}

function makeMix(size: number): PostInput[] {
  return Array.from({ length: size }, (_, index) => {
    const slot = index % 1000;
    const langs = [random.pick(languages)];
    if (slot === 0) {
      const post = random.pick(complaints);
      return { text: post.text, langs: [post.lang] };
    }
    if (slot <= 10) {
      const post = random.pick(chatter);
      return { text: post.text, langs: [post.lang] };
    }
    if (slot <= 60) return { text: sentence(random.pick(outageish)), langs };
    return { text: sentence(), langs };
  });
}

const started = performance.now();
const pipeline = trainedPipeline(catalog);
const trainingMs = performance.now() - started;
const mix = makeMix(200_000);
const averageLength = mix.reduce((sum, post) => sum + post.text.length, 0) / mix.length;

function measure(name: string, work: (post: PostInput) => unknown): { name: string; perSecond: number } {
  // Warm up, then run whole passes over the mix until the time is up.
  for (let i = 0; i < 20_000; i++) work(mix[i] as PostInput);
  let done = 0;
  const begin = performance.now();
  const deadline = begin + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 10_000; i++) work(mix[(done + i) % mix.length] as PostInput);
    done += 10_000;
  }
  return { name, perSecond: done / ((performance.now() - begin) / 1000) };
}

const kept = new Map<string, number>();
for (const post of mix.slice(0, 100_000)) {
  const verdict = pipeline.judge(post);
  const key = verdict.kept ? "kept" : verdict.reason;
  kept.set(key, (kept.get(key) ?? 0) + 1);
}

const bare = measure("bare (NFKC + lower case only)", (post) => post.text.normalize("NFKC").toLowerCase());
const full = measure("text pipeline", (post) => pipeline.judge(post));

console.log(
  `machine: ${cpus()[0]?.model ?? "unknown"} x ${cpus().length}, node ${process.version}; one thread`,
);
console.log(
  `model trained in ${trainingMs.toFixed(0)} ms; mix of ${mix.length} posts, ${averageLength.toFixed(0)} characters on average`,
);
console.log(`verdicts on 100,000 posts: ${JSON.stringify(Object.fromEntries(kept))}\n`);
console.log("path                              posts/s   vs bare");
for (const row of [bare, full]) {
  console.log(
    `${row.name.padEnd(32)} ${Math.round(row.perSecond).toLocaleString("en").padStart(9)}   ${(row.perSecond / bare.perSecond).toFixed(2)}x`,
  );
}
console.log(`\nbudget: >= 50,000 posts/s on one core: ${full.perSecond >= 50_000 ? "met" : "NOT met"}`);
