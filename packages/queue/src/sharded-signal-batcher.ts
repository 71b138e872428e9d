import { type Signal, serviceShard } from "@outcry/core";
import type { Queue } from "bullmq";
import type { RedisClient } from "./redis-connection.ts";
import type { SignalBatchJob } from "./signal-batch-job.ts";
import { SignalBatcher, type SignalBatcherOptions } from "./signal-batcher.ts";
import { createSignalsQueue } from "./signals-queue.ts";

/** Where producers put signals: resolves once the signal is stored, rejects when it was not. */
export interface SignalSink {
  add(signal: Signal): Promise<void>;
}

export interface ShardedSignalBatcherOptions extends SignalBatcherOptions {
  prefix: string;
  /** SIGNAL_SHARDS: how many signals queues there are. */
  shards: number;
  /** Told of each queue's connection errors (they repeat while Redis is down). */
  onQueueError?: (error: Error) => void;
}

/**
 * The producers' way into the signals queues: one group-committing SignalBatcher per shard, each
 * signal routed by its service (see serviceShard), so a batch never mixes shards and the
 * aggregator's batch-id idempotency holds per queue as before.
 */
export class ShardedSignalBatcher implements SignalSink {
  readonly #shards: { queue: Queue<SignalBatchJob>; batcher: SignalBatcher }[];

  constructor(connection: RedisClient, options: ShardedSignalBatcherOptions) {
    const { prefix, shards, onQueueError, ...batcherOptions } = options;
    this.#shards = Array.from({ length: shards }, (_, shard) => {
      const queue = createSignalsQueue(connection, prefix, shard);
      if (onQueueError) queue.on("error", onQueueError);
      return { queue, batcher: new SignalBatcher(queue, batcherOptions) };
    });
  }

  add(signal: Signal): Promise<void> {
    const shard = this.#shards[serviceShard(signal.service, this.#shards.length)];
    if (!shard) return Promise.reject(new Error("no signals queue"));
    return shard.batcher.add(signal);
  }

  /** Writes what is pending on every shard, then closes the queues. Safe to call twice. */
  async close(): Promise<void> {
    await Promise.all(this.#shards.map(({ batcher }) => batcher.close()));
    await Promise.all(this.#shards.map(({ queue }) => queue.close()));
  }
}
