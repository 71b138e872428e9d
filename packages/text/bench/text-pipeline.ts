// Throughput of the text pipeline (normalize + prefilter + match + classify) on one core, over a
// firehose-like mix, against a bare baseline that only normalizes Unicode and case:
//   pnpm bench:text [--seconds 10]
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { loadSeedCatalog } from "@outcry/core";
import { firehoseMix, type PostInput, trainedPipeline } from "../src/index.ts";
import { HashtagSplitter, normalizePost } from "../src/normalize.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" } } });
const seconds = Number(values.seconds);
const catalog = loadSeedCatalog();

const started = performance.now();
const pipeline = trainedPipeline(catalog);
const trainingMs = performance.now() - started;
const mix = firehoseMix(200_000);
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
const hashtags = new HashtagSplitter([]);
const normalizeOnly = measure("normalize only (stage 1)", (post) => normalizePost(post.text, hashtags));
const full = measure("text pipeline", (post) => pipeline.judge(post));

console.log(
  `machine: ${cpus()[0]?.model ?? "unknown"} x ${cpus().length}, node ${process.version}; one thread`,
);
console.log(
  `model trained in ${trainingMs.toFixed(0)} ms; mix of ${mix.length} posts, ${averageLength.toFixed(0)} characters on average`,
);
console.log(`verdicts on 100,000 posts: ${JSON.stringify(Object.fromEntries(kept))}\n`);
console.log("path                              posts/s   vs bare");
for (const row of [bare, normalizeOnly, full]) {
  console.log(
    `${row.name.padEnd(32)} ${Math.round(row.perSecond).toLocaleString("en").padStart(9)}   ${(row.perSecond / bare.perSecond).toFixed(2)}x`,
  );
}
console.log(`\nbudget: >= 50,000 posts/s on one core: ${full.perSecond >= 50_000 ? "met" : "NOT met"}`);
