export { type Aggregator, type AggregatorOptions, startAggregator } from "./aggregator.ts";
export { DetectorTick, type IncidentEvent, type TickResult } from "./detector-tick.ts";
export { type BatchOutcome, processSignalBatch } from "./process-signal-batch.ts";
