import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Catalog } from "@outcry/core";
import { CORPUS_DIR, isHeldOut, loadCorpus } from "./corpus.ts";
import { loadGazetteer } from "./gazetteer.ts";
import type { Weights } from "./logistic-regression.ts";
import { TextPipeline } from "./text-pipeline.ts";

const SOURCE_DIR = import.meta.dirname;
const CACHE_PREFIX = "text-model-";

/**
 * The pipeline as ingest runs it: trained on the training split of the shipped corpus, so the model
 * always matches the corpus, code and catalog it runs with, and the figures measured on the held-out
 * split describe exactly this model. Training takes seconds; with `cacheDir` the weights are kept
 * there under a hash of everything they depend on, so a restarted ingest (after a crash, a deploy
 * of the same build) is back in milliseconds and any change of corpus, code or catalog retrains.
 */
export function trainedPipeline(catalog: Catalog, options: { cacheDir?: string } = {}): TextPipeline {
  const gazetteer = loadGazetteer();
  const train = () =>
    TextPipeline.train(
      catalog,
      gazetteer,
      loadCorpus().filter((post) => !isHeldOut(post)),
    );
  if (!options.cacheDir) return train();
  const file = join(options.cacheDir, `${CACHE_PREFIX}${modelKey(catalog)}.json`);
  const cached = readWeights(file);
  if (cached) return TextPipeline.fromWeights(catalog, gazetteer, cached);
  const pipeline = train();
  writeWeights(options.cacheDir, file, pipeline.weights);
  return pipeline;
}

/** A hash of what the weights are a function of: the corpus, the text code and the catalog. */
function modelKey(catalog: Catalog): string {
  const hash = createHash("sha256");
  const addTree = (dir: string, keep: (name: string) => boolean) => {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && keep(entry.name))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort()) {
      hash.update(entry.slice(dir.length)).update("\0").update(readFileSync(entry)).update("\0");
    }
  };
  addTree(CORPUS_DIR, (name) => name.endsWith(".jsonl"));
  addTree(SOURCE_DIR, (name) => !name.endsWith(".test.ts"));
  hash.update(JSON.stringify(catalog));
  return hash.digest("hex").slice(0, 32);
}

/** The stored weights, or undefined when there are none or they cannot be read (then: retrain). */
function readWeights(file: string): Weights | undefined {
  try {
    const stored = JSON.parse(readFileSync(file, "utf8")) as { weights?: unknown };
    if (!Array.isArray(stored.weights)) return undefined;
    return new Map(stored.weights as [string, number][]);
  } catch {
    return undefined;
  }
}

/** Writes atomically (a reader never sees half a file) and drops the models of older builds. */
function writeWeights(dir: string, file: string, weights: Weights): void {
  try {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify({ weights: [...weights] }));
    renameSync(partial, file);
    for (const name of readdirSync(dir)) {
      if (name.startsWith(CACHE_PREFIX) && join(dir, name) !== file) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // A read-only or full disk only costs the next start its training.
  }
}
