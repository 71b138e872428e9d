import { loadSeedCatalog } from "@outcry/core";
import { isHeldOut, loadCorpus } from "../src/corpus.ts";
import { evaluateText } from "../src/text-evaluation.ts";
import { TextPipeline } from "../src/text-pipeline.ts";

const corpus = loadCorpus().filter((p) => JSON.stringify(p).length > 0);
const training = corpus.filter((p) => !isHeldOut(p));
const heldOut = corpus.filter(isHeldOut);
const t = performance.now();
const pipeline = TextPipeline.train(loadSeedCatalog(), { countries: {}, places: {} }, training);
console.log("train ms", performance.now() - t, corpus.length);
const r = evaluateText(pipeline, heldOut);
console.log(
  JSON.stringify(
    { ...r, falsePositives: undefined, falseNegatives: undefined, wrongService: undefined },
    null,
    1,
  ),
);
const rt = evaluateText(pipeline, training);
console.log("train-set", rt.precision, rt.recall, rt.serviceAccuracy, rt.missedBecause);
for (const p of r.falseNegatives) console.log("FN", p.lang, p.kind, p.service, "|", p.text);
for (const p of r.falsePositives) console.log("FP", p.lang, p.kind, p.service, "|", p.text);
for (const w of r.wrongService) console.log("WS", w.post.service, "->", w.service, "|", w.post.text);
