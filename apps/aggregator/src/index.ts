export { type Aggregator, type AggregatorOptions, startAggregator } from "./aggregator.ts";
export { type BatchOutcome, processSignalBatch } from "./process-signal-batch.ts";
