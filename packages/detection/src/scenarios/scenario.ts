import type { BucketInput } from "../types.ts";

/** Whether a good detector should open an incident for a labelled event ("detect") or stay quiet ("ignore"). */
export type EventExpectation = "detect" | "ignore";

/** Something that happens in a scenario's series, with the answer the detector should give. */
export interface LabelledEvent {
  /** What it is: "outage", "ramp", "blip", "flood", "chatter". */
  kind: string;
  /** Start of the first bucket with an elevated rate, epoch ms. */
  start: number;
  /** Start of the last bucket with an elevated rate, epoch ms (inclusive). */
  end: number;
  /** peak rate over the baseline */
  multiplier: number;
  expect: EventExpectation;
  note?: string;
}

/** One series of buckets with labelled events, to replay through a detector. */
export interface Scenario {
  name: string;
  description: string;
  bucketMs: number;
  /** leading buckets given to the detector to learn from; not scored */
  warmupBuckets: number;
  points: BucketInput[];
  events: LabelledEvent[];
}
