import type { BucketInput } from "../types.ts";

/** Whether a good detector should open an incident for a labelled event ("detect") or stay quiet ("ignore"). */
export type EventExpectation = "detect" | "ignore";

/**
 * What the provider said about an event on its own status page or account: when it first acknowledged
 * the problem and when it declared it resolved (epoch ms; absent when it never did), and where the
 * times come from.
 */
export interface OfficialTimeline {
  acknowledgedAt?: number;
  resolvedAt?: number;
  source: string;
}

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
  /** The provider's word on it, when the scenario has one: the evaluation prints Outcry's lead over it. */
  official?: OfficialTimeline;
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
