export { countUpperTail, poissonUpperTail, upperQuantile } from "./count-tail.ts";
export { SeasonalBaseline, type SeasonalBaselineOptions } from "./seasonal-baseline.ts";
export { SeriesDetector, type SeriesDetectorOptions } from "./series-detector.ts";
export type { BucketInput, BucketVerdict, IncidentState, SeriesStatus } from "./types.ts";
