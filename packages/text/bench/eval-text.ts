// Scores the text pipeline on the labelled corpus:
//   pnpm eval:text [--show-mistakes] [--sample N]
//     trains on the training split, scores the held-out fifth (never trained on): the published figures
//   pnpm eval:text --cv 5 [--rounds 3] [--sweep] [--show-mistakes] [--sample N]
//     k-fold cross-validation inside the training split only, for development: the held-out posts are
//     not judged at all. --rounds pools several cuts into folds; --sweep adds precision and recall at
//     each threshold and the one the shipped model should use.
import { parseArgs } from "node:util";
import { loadSeedCatalog } from "@outcry/core";
import { CrossValidation, chooseThreshold, MIN_CV_PRECISION } from "../src/cross-validation.ts";
import {
  type ConfusionMatrix,
  evaluateText,
  isHeldOut,
  loadCorpus,
  loadGazetteer,
  type TextEvaluation,
  TextPipeline,
} from "../src/index.ts";
import { DEFAULT_THRESHOLD } from "../src/text-pipeline.ts";

const { values } = parseArgs({
  options: {
    cv: { type: "string" },
    rounds: { type: "string", default: "1" },
    sweep: { type: "boolean", default: false },
    "show-mistakes": { type: "boolean", default: false },
    sample: { type: "string", default: "15" },
  },
});
const sample = Number(values.sample);
const corpus = loadCorpus();
const training = corpus.filter((post) => !isHeldOut(post));
const catalog = loadSeedCatalog();
const gazetteer = loadGazetteer();
const percent = (value: number) => (Number.isNaN(value) ? "n/a" : `${(100 * value).toFixed(1)}%`);

if (values.cv) {
  const folds = Number(values.cv);
  const rounds = Number(values.rounds);
  const started = performance.now();
  const crossValidation = CrossValidation.train(catalog, gazetteer, training, { folds, rounds });
  const trainingMs = performance.now() - started;
  console.log(
    `${folds}-fold cross-validation, ${rounds} round(s), on the training split only (${training.length} posts; the held-out ones are not judged); trained in ${trainingMs.toFixed(0)} ms\n`,
  );
  report("cross-validation", crossValidation.evaluate({ sample }));
  if (values.sweep) {
    console.log("\nthreshold   precision   recall   service accuracy");
    const sweep = Array.from({ length: 17 }, (_, i) => 0.4 + i * 0.025).map((threshold) => ({
      threshold,
      evaluation: crossValidation.evaluate({ threshold, sample: 0 }),
    }));
    for (const { threshold, evaluation } of sweep) {
      console.log(
        `${threshold.toFixed(3).padStart(9)}   ${percent(evaluation.precision).padStart(9)}   ${percent(evaluation.recall).padStart(6)}   ${percent(evaluation.serviceAccuracy).padStart(16)}`,
      );
    }
    console.log(
      `\nlowest threshold with cross-validated precision >= ${percent(MIN_CV_PRECISION)}: ${chooseThreshold(sweep, MIN_CV_PRECISION)?.toFixed(3) ?? "none"} (the model uses ${DEFAULT_THRESHOLD})`,
    );
  }
} else {
  const heldOut = corpus.filter(isHeldOut);
  const started = performance.now();
  const pipeline = TextPipeline.train(catalog, gazetteer, training);
  const trainingMs = performance.now() - started;
  console.log(
    `corpus: ${corpus.length} posts; trained on ${training.length} in ${trainingMs.toFixed(0)} ms; held out ${heldOut.length}`,
  );
  console.log(
    `outage posts held out: ${heldOut.filter((post) => post.label === "outage").length}, other: ${heldOut.filter((post) => post.label === "other").length}\n`,
  );
  report("held out", evaluateText(pipeline, heldOut, { sample }));
}

function report(title: string, result: TextEvaluation): void {
  const { truePositive, falsePositive, falseNegative, trueNegative } = result.confusion;
  console.log(`confusion matrix (${title})`.padEnd(30), "predicted outage   predicted other");
  console.log(
    `  actual outage               ${String(truePositive).padStart(16)}   ${String(falseNegative).padStart(15)}`,
  );
  console.log(
    `  actual other                ${String(falsePositive).padStart(16)}   ${String(trueNegative).padStart(15)}\n`,
  );
  console.log(`threshold          ${DEFAULT_THRESHOLD}`);
  console.log(`precision          ${percent(result.precision)}   (target >= 95%)`);
  console.log(`recall             ${percent(result.recall)}   (target >= 90%)`);
  console.log(`service accuracy   ${percent(result.serviceAccuracy)}   (target >= 97%)`);
  console.log(`problem accuracy   ${percent(result.problemAccuracy)}`);
  console.log(`region accuracy    ${percent(result.regionAccuracy)}   (posts that name a place)`);
  console.log(`missed because     ${JSON.stringify(result.missedBecause)}\n`);
  console.log(`language   precision   recall   ${values.cv ? "judged (posts x rounds)" : "posts"}`);
  for (const [language, matrix] of Object.entries(result.byLanguage).sort()) {
    console.log(
      `${language.padEnd(10)} ${percent(precisionOf(matrix)).padStart(9)}   ${percent(recallOf(matrix)).padStart(6)}   ${String(postsIn(matrix)).padStart(5)}`,
    );
  }
  if (!values["show-mistakes"]) return;
  console.log("\nfalse positives");
  for (const { post, service, score } of result.falsePositives)
    console.log(
      `  [${post.lang} ${post.kind} ${post.service} -> ${service} ${score.toFixed(2)}] ${post.text}`,
    );
  console.log("\nfalse negatives");
  for (const { post, reason, score } of result.falseNegatives)
    console.log(
      `  [${post.lang} ${post.kind} ${post.service} ${reason} ${score?.toFixed(2) ?? ""}] ${post.text}`,
    );
  console.log("\nwrong service");
  for (const { post, service } of result.wrongService)
    console.log(`  [${post.service} -> ${service}] ${post.text}`);
}

function precisionOf(matrix: ConfusionMatrix): number {
  return matrix.truePositive / (matrix.truePositive + matrix.falsePositive);
}

function recallOf(matrix: ConfusionMatrix): number {
  return matrix.truePositive / (matrix.truePositive + matrix.falseNegative);
}

function postsIn(matrix: ConfusionMatrix): number {
  return matrix.truePositive + matrix.falsePositive + matrix.falseNegative + matrix.trueNegative;
}
