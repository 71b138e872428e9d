export { type CorpusPost, isHeldOut, loadCorpus } from "./corpus.ts";
export { firehoseMix } from "./firehose-mix.ts";
export { loadGazetteer } from "./gazetteer.ts";
export { normalizePost } from "./normalize.ts";
export { LANGUAGES, type Language, PROBLEM_HINTS, type ProblemHint } from "./outage-vocabulary.ts";
export type { RegionHint } from "./region-hints.ts";
export {
  type ConfusionMatrix,
  evaluateText,
  type PostJudge,
  type TextEvaluation,
} from "./text-evaluation.ts";
export {
  type PostInput,
  type PostMatch,
  type Rejection,
  TextPipeline,
  type Verdict,
} from "./text-pipeline.ts";
export { trainedPipeline } from "./trained-pipeline.ts";
