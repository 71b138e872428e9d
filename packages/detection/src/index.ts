export { AverageThresholdDetector } from "./alternatives/average-threshold.ts";
export { countUpperTail, poissonUpperTail, upperQuantile } from "./count-tail.ts";
export { CsvScorer, inferBucketMs, parseTimestamp, type ScoredRow } from "./csv-scoring.ts";
export { compareDetectors, DETECTORS, evaluateDetection } from "./detection-report.ts";
export {
  type Detector,
  type DetectorFactory,
  type Evaluation,
  type EvaluationTotals,
  evaluate,
  evaluateScenario,
  formatEvaluation,
} from "./evaluation.ts";
export { generateScenarios } from "./scenarios/generate.ts";
export { createRandom, hashString, type Random } from "./scenarios/random.ts";
export type { LabelledEvent, Scenario } from "./scenarios/scenario.ts";
export { spotifyOutageScenario } from "./scenarios/spotify-2025-04-16.ts";
export {
  SeasonalBaseline,
  type SeasonalBaselineOptions,
  type SeasonalBaselineSnapshot,
} from "./seasonal-baseline.ts";
export {
  SeriesDetector,
  type SeriesDetectorOptions,
  type SeriesDetectorSnapshot,
} from "./series-detector.ts";
export type { BucketInput, BucketVerdict, IncidentState, SeriesStatus } from "./types.ts";
