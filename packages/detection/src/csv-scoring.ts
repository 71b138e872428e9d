import { SeriesDetector } from "./series-detector.ts";

/** Parses an ISO 8601 timestamp or `YYYY-MM-DD HH:MM:SS` (UTC when it names no zone) to epoch ms. */
export function parseTimestamp(text: string): number {
  const trimmed = text.trim().replace(/^"|"$/g, "");
  const plain = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/.exec(trimmed);
  const at = Date.parse(plain ? `${plain[1]}T${plain[2]}Z` : trimmed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(at)) {
    throw new Error(`"${text}" is not a timestamp (ISO 8601 or YYYY-MM-DD HH:MM:SS)`);
  }
  return at;
}

/** The bucket width of a series: the smallest step between consecutive timestamps. */
export function inferBucketMs(timestamps: number[]): number {
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < timestamps.length; i++) {
    const gap = (timestamps[i] as number) - (timestamps[i - 1] as number);
    if (gap > 0 && gap < step) step = gap;
  }
  if (!Number.isFinite(step))
    throw new Error("need at least two distinct timestamps to tell the bucket width");
  return step;
}

export interface ScoredRow {
  t: number;
  value: number;
  score: number;
}

/**
 * Scores a series of (timestamp, value) rows causally, each from the rows before it only, with
 * the detector Outcry runs on its own counts. The bucket width is inferred from the first rows,
 * which are held back until it is known. Values are treated as counts (negative ones as 0).
 */
export class CsvScorer {
  readonly #inferFrom: number;
  #held: Array<{ t: number; value: number }> = [];
  #detector: SeriesDetector | undefined;

  constructor(options: { inferFrom?: number } = {}) {
    this.#inferFrom = options.inferFrom ?? 50;
  }

  /** Takes one row; returns the rows now scored (none while the bucket width is being inferred). */
  push(t: number, value: number): ScoredRow[] {
    if (!this.#detector) {
      this.#held.push({ t, value });
      return this.#held.length >= this.#inferFrom ? this.flush() : [];
    }
    return [this.#score(this.#detector, t, value)];
  }

  /** Scores whatever is still held back (call at the end of the input). */
  flush(): ScoredRow[] {
    if (this.#held.length === 0) return [];
    const held = this.#held;
    this.#held = [];
    const detector = new SeriesDetector({ bucketMs: inferBucketMs(held.map((row) => row.t)) });
    this.#detector = detector;
    return held.map((row) => this.#score(detector, row.t, row.value));
  }

  #score(detector: SeriesDetector, t: number, value: number): ScoredRow {
    const verdict = detector.push({ t, count: Math.max(0, value) });
    return { t, value, score: verdict.score };
  }
}
