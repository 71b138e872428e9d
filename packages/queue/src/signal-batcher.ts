import { randomUUID } from "node:crypto";
import type { Signal } from "@outcry/core";
import type { Queue } from "bullmq";
import { SIGNAL_BATCH_JOB } from "./names.ts";
import { SIGNAL_BATCH_ATTEMPTS, type SignalBatchJob } from "./signal-batch-job.ts";

interface Pending {
  signal: Signal;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface SignalBatcherOptions {
  /** How long the first signal of a batch may wait for company. */
  maxWaitMs: number;
  /** A batch this full is written at once. */
  maxSize: number;
}

/**
 * Group commit for signals: concurrent callers share one BullMQ job, written with one Redis round
 * trip. `add` resolves only once the job holding the signal is stored in Redis, so a caller can
 * acknowledge the signal; it rejects when the write fails, and then nothing was acknowledged.
 */
export class SignalBatcher {
  readonly #queue: Queue;
  readonly #options: SignalBatcherOptions;
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #closing: Promise<void> | undefined;

  constructor(queue: Queue, options: SignalBatcherOptions) {
    this.#queue = queue;
    this.#options = options;
  }

  add(signal: Signal): Promise<void> {
    if (this.#closing) return Promise.reject(new Error("signal batcher is closed"));
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ signal, resolve, reject });
      if (this.#pending.length >= this.#options.maxSize) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#options.maxWaitMs);
    });
  }

  /** Writes what is pending and waits for every write under way. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#flush();
      await Promise.allSettled([...this.#inFlight]);
    })();
    return this.#closing;
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    const write = this.#write(batch);
    this.#inFlight.add(write);
    void write.finally(() => this.#inFlight.delete(write));
  }

  async #write(batch: Pending[]): Promise<void> {
    const job: SignalBatchJob = { batchId: randomUUID(), signals: batch.map((entry) => entry.signal) };
    try {
      await this.#queue.add(SIGNAL_BATCH_JOB, job, {
        jobId: job.batchId,
        attempts: SIGNAL_BATCH_ATTEMPTS,
        backoff: { type: "signal-batch" },
      });
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
