import { MINUTE_MS } from "@outcry/core";
import { type Db, getDetectorState } from "@outcry/db";
import { SeriesDetector, type SeriesDetectorSnapshot } from "@outcry/detection";

/**
 * Expected counts and band tops of a series over [from, to) in steps, from the detector state the
 * aggregator stored for it; undefined while the series has none (it has not been ticked yet, or
 * the detector does not judge that combination of region and source).
 */
export async function expectedBand(
  db: Db,
  series: { service: string; region: string; source: string },
  from: number,
  to: number,
  stepMs: number,
) {
  const state = await getDetectorState(db, series.service, series.region, series.source);
  if (!state) return undefined;
  return SeriesDetector.restore({ bucketMs: MINUTE_MS }, state as SeriesDetectorSnapshot).band(
    from,
    to,
    stepMs,
  );
}
