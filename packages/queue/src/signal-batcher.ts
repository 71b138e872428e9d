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
  /** Most signals in one job; a longer queue of callers is written as several jobs. */
  maxSize: number;
  /** Most jobs being written at once; callers arriving meanwhile wait and share the next one. */
  maxInFlight: number;
  /**
   * A write not confirmed by then fails its callers (they answer 503) rather than hang: BullMQ
   * waits for a connection that is not up yet instead of failing. Default 2 s.
   */
  writeTimeoutMs?: number;
}

/**
 * Group commit for signals: concurrent callers share one BullMQ job, written with one Redis round
 * trip. Signals that arrive while writes are under way gather and go out together as soon as a
 * write finishes, so batches grow with load by themselves: one caller alone waits one round trip,
 * a crowd shares few. `add` resolves only once the job holding the signal is stored in Redis, so
 * the caller can acknowledge it; it rejects when the write fails, and then nothing was acknowledged.
 */
export class SignalBatcher {
  readonly #queue: Queue;
  readonly #options: SignalBatcherOptions;
  #pending: Pending[] = [];
  #scheduled = false;
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
      this.#schedule();
    });
  }

  /** Writes what is pending and waits for every write under way. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#pending.length > 0 || this.#inFlight.size > 0) {
        this.#flush();
        await Promise.allSettled([...this.#inFlight]);
      }
    })();
    return this.#closing;
  }

  // Waits for the end of the current I/O phase, so requests parsed together share a job.
  #schedule(): void {
    if (this.#scheduled || this.#inFlight.size >= this.#options.maxInFlight) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#pending.length > 0 && this.#inFlight.size < this.#options.maxInFlight) {
      const batch = this.#pending.splice(0, this.#options.maxSize);
      const write = this.#write(batch);
      this.#inFlight.add(write);
      void write.finally(() => {
        this.#inFlight.delete(write);
        if (this.#pending.length > 0) this.#schedule();
      });
    }
  }

  async #write(batch: Pending[]): Promise<void> {
    const job: SignalBatchJob = { batchId: randomUUID(), signals: batch.map((entry) => entry.signal) };
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.#options.writeTimeoutMs ?? 2_000;
    try {
      await Promise.race([
        this.#queue.add(SIGNAL_BATCH_JOB, job, {
          jobId: job.batchId,
          attempts: SIGNAL_BATCH_ATTEMPTS,
          backoff: { type: "signal-batch" },
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`signal batch not stored within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
