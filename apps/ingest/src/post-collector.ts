import { createHash } from "node:crypto";
import { type Signal, UNKNOWN_REGION } from "@outcry/core";
import type { SignalSink } from "@outcry/queue";
import type { TextPipeline } from "@outcry/text";
import type { IngestMetrics } from "./ingest-metrics.ts";
import type { CollectedPost } from "./jetstream-event.ts";

export type Collector = "jetstream" | "search";

// A region or problem guessed with less confidence than this is left out: a wrong country on the
// map is worse than "unknown".
const MIN_REGION_CONFIDENCE = 0.5;
const MIN_PROBLEM_CONFIDENCE = 0.5;
// Posts seen lately, to skip the pipeline for a replayed one; Postgres dedupes by URI regardless.
const RECENT_CAPACITY = 100_000;

/**
 * Runs collected posts through the text pipeline and queues the complaints as bluesky signals. The
 * returned promise settles when the signal is safely in Redis (a collector may then move its cursor
 * past the post); undefined means there was nothing to queue.
 */
export class PostCollector {
  #pipeline: TextPipeline;
  readonly #batcher: SignalSink;
  readonly #metrics: IngestMetrics;
  readonly #recent = new Set<string>();

  constructor(pipeline: TextPipeline, batcher: SignalSink, metrics: IngestMetrics) {
    this.#pipeline = pipeline;
    this.#batcher = batcher;
    this.#metrics = metrics;
  }
  /** Swaps in a pipeline built for a changed catalog; posts from then on are judged by it. */
  usePipeline(pipeline: TextPipeline): void {
    this.#pipeline = pipeline;
  }

  collect(post: CollectedPost, collector: Collector): Promise<void> | undefined {
    if (this.#recent.has(post.uri)) {
      this.#metrics.posts.inc({ collector, result: "repeat" });
      return undefined;
    }
    const verdict = this.#pipeline.judge({ text: post.text, langs: post.langs });
    if (!verdict.kept) {
      this.#metrics.posts.inc({ collector, result: verdict.reason });
      return undefined;
    }
    this.#metrics.posts.inc({ collector, result: "matched" });
    const { match } = verdict;
    const signal: Signal = {
      id: signalIdFor(post.uri),
      service: match.service,
      region: match.region.confidence >= MIN_REGION_CONFIDENCE ? match.region.region : UNKNOWN_REGION,
      source: "bluesky",
      at: post.seenAt,
      text: post.text.slice(0, 3000),
      post: { uri: post.uri, lang: match.language, score: match.score },
    };
    if (match.problem && match.problem.confidence >= MIN_PROBLEM_CONFIDENCE)
      signal.problem = match.problem.problem;
    this.#remember(post.uri);
    return this.#batcher.add(signal).catch((error: unknown) => {
      // Not queued: forget it, so the replay that follows is not skipped as a repeat.
      this.#recent.delete(post.uri);
      throw error;
    });
  }

  #remember(uri: string): void {
    this.#recent.add(uri);
    if (this.#recent.size > RECENT_CAPACITY) {
      const oldest = this.#recent.values().next().value;
      if (oldest !== undefined) this.#recent.delete(oldest);
    }
  }
}

/** The same post always becomes the same signal id (a name-based UUID of its URI). */
export function signalIdFor(uri: string): string {
  const hash = createHash("sha256").update(uri).digest("hex");
  // Version 8 (custom) with the RFC 9562 variant bits: a valid UUID made from the hash.
  const variant = ((Number.parseInt(hash[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-8${hash.slice(13, 16)}-${variant}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}
