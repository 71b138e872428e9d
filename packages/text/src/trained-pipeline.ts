import type { Catalog } from "@outcry/core";
import { isHeldOut, loadCorpus } from "./corpus.ts";
import { loadGazetteer } from "./gazetteer.ts";
import { TextPipeline } from "./text-pipeline.ts";

/**
 * The pipeline as ingest runs it: trained at start-up on the training split of the shipped corpus
 * (well under a second), so the model always matches the corpus and catalog it runs with, and the
 * figures measured on the held-out split describe exactly this model.
 */
export function trainedPipeline(catalog: Catalog): TextPipeline {
  const training = loadCorpus().filter((post) => !isHeldOut(post));
  return TextPipeline.train(catalog, loadGazetteer(), training);
}
