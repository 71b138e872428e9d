// Scores the text pipeline on the held-out fifth of the labelled corpus (never trained on):
//   pnpm eval:text [--show-mistakes]
import { loadSeedCatalog } from "@outcry/core";
import {
  type CorpusPost,
  evaluateText,
  isHeldOut,
  loadCorpus,
  loadGazetteer,
  TextPipeline,
} from "../src/index.ts";

const showMistakes = process.argv.includes("--show-mistakes");
const corpus = loadCorpus();
const training = corpus.filter((post) => !isHeldOut(post));
const heldOut = corpus.filter(isHeldOut);

const started = performance.now();
const pipeline = TextPipeline.train(loadSeedCatalog(), loadGazetteer(), training);
const trainingMs = performance.now() - started;
const result = evaluateText(pipeline, heldOut);
const percent = (value: number) => (Number.isNaN(value) ? "n/a" : `${(100 * value).toFixed(1)}%`);

console.log(
  `corpus: ${corpus.length} posts; trained on ${training.length} in ${trainingMs.toFixed(0)} ms; held out ${heldOut.length}`,
);
console.log(
  `outage posts held out: ${heldOut.filter((post) => post.label === "outage").length}, other: ${heldOut.filter((post) => post.label === "other").length}\n`,
);
const { truePositive, falsePositive, falseNegative, trueNegative } = result.confusion;
console.log("confusion matrix (held out)   predicted outage   predicted other");
console.log(
  `  actual outage               ${String(truePositive).padStart(16)}   ${String(falseNegative).padStart(15)}`,
);
console.log(
  `  actual other                ${String(falsePositive).padStart(16)}   ${String(trueNegative).padStart(15)}\n`,
);
console.log(`precision          ${percent(result.precision)}   (target >= 95%)`);
console.log(`recall             ${percent(result.recall)}   (target >= 90%)`);
console.log(`service accuracy   ${percent(result.serviceAccuracy)}   (target >= 97%)`);
console.log(`problem accuracy   ${percent(result.problemAccuracy)}`);
console.log(`region accuracy    ${percent(result.regionAccuracy)}   (posts that name a place)`);
console.log(`missed because     ${JSON.stringify(result.missedBecause)}\n`);
console.log("language   precision   recall   posts");
for (const [language, matrix] of Object.entries(result.byLanguage).sort()) {
  const precision = matrix.truePositive / (matrix.truePositive + matrix.falsePositive);
  const recall = matrix.truePositive / (matrix.truePositive + matrix.falseNegative);
  const posts = matrix.truePositive + matrix.falsePositive + matrix.falseNegative + matrix.trueNegative;
  console.log(
    `${language.padEnd(10)} ${percent(precision).padStart(9)}   ${percent(recall).padStart(6)}   ${String(posts).padStart(5)}`,
  );
}
if (showMistakes) {
  const show = (title: string, posts: CorpusPost[]) => {
    console.log(`\n${title}`);
    for (const post of posts) console.log(`  [${post.lang} ${post.kind} ${post.service}] ${post.text}`);
  };
  show("false positives", result.falsePositives);
  show("false negatives", result.falseNegatives);
  console.log("\nwrong service");
  for (const { post, service } of result.wrongService)
    console.log(`  [${post.service} -> ${service}] ${post.text}`);
}
