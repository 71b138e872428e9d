/** One bucket of a series, fed to a detector in time order. */
export interface BucketInput {
  /** Bucket start, epoch ms. */
  t: number;
  /** Signals counted in the bucket. */
  count: number;
  /**
   * Reporters first seen in this bucket (not already counted in the detector's evidence window),
   * when known. Summed over a window it gives the distinct reporters behind that window's counts,
   * which the minimum-evidence rule needs: a flood from three people adds three, however many
   * reports they send. Outcry's intake counts a reporter once per service per 15 minutes, so for
   * its reports this equals the count.
   */
  reporters?: number;
}

/** Downdetector-style status of a series at a bucket. */
export type SeriesStatus = "ok" | "possible" | "problems";

/** What a detector says about one bucket, computed from that bucket and the past only. */
export interface BucketVerdict {
  t: number;
  count: number;
  /** Expected count for the bucket (seasonal baseline). */
  expected: number;
  /** Upper edge of the normal band: counts above it are unusual for this bucket. */
  upper: number;
  /** Anomaly score in [0, 1]: 0 is ordinary, 1 is certainly anomalous. */
  score: number;
  status: SeriesStatus;
  /** The incident this bucket belongs to, if one is open (or closed at this bucket). */
  incident?: IncidentState | undefined;
  /** What changed at this bucket, for the incident store and the live stream. */
  event?: "opened" | "updated" | "resolved" | undefined;
}

export interface IncidentState {
  /** Start of the first anomalous bucket (the onset), not the bucket where it was detected. */
  startedAt: number;
  /** Bucket at which the detector opened it. */
  detectedAt: number;
  /** Bucket after which it was resolved; absent while open. */
  resolvedAt?: number | undefined;
  peakAt: number;
  peakCount: number;
  /** Expected count at the peak bucket. */
  peakExpected: number;
  /** Highest score seen. */
  peakScore: number;
}
