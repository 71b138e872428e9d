import { MINUTE_MS } from "@outcry/core";
import { type Db, getDetectorState } from "@outcry/db";
import { SeriesDetector, type SeriesDetectorSnapshot } from "@outcry/detection";

/**
 * Expected counts and band tops of a series over [from, to) in steps, from the detector state the
 * aggregator stored for it; undefined while the series has none (it has not been ticked yet).
 */
export async function expectedBand(
  db: Db,
  service: string,
  region: string,
  from: number,
  to: number,
  stepMs: number,
) {
  const state = await getDetectorState(db, service, region);
  if (!state) return undefined;
  return SeriesDetector.restore({ bucketMs: MINUTE_MS }, state as SeriesDetectorSnapshot).band(
    from,
    to,
    stepMs,
  );
}
