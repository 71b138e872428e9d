import type { OfficialComparison } from "./official-lag.ts";

/** How a provider answered a set of the crowd's incidents: a journalist's row. */
export interface AcknowledgementStats {
  incidents: number;
  acknowledged: number;
  /** Of the acknowledged, how many the provider announced before the crowd's onset. */
  providerFirst: number;
  /** Minutes from onset to acknowledgement, signed; undefined with nothing acknowledged. */
  medianLagMinutes: number | undefined;
  p90LagMinutes: number | undefined;
  /** Minutes from onset to the official all-clear, over the incidents officially resolved. */
  medianResolutionLagMinutes: number | undefined;
}

/** Nearest-rank percentile of sorted values: always a lag that happened, never an interpolation. */
function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

const toMinutes = (ms: number) => Math.round(ms / 60_000);

export function acknowledgementStats(comparisons: OfficialComparison[]): AcknowledgementStats {
  const lags = comparisons
    .flatMap((comparison) =>
      comparison.acknowledgementLagMs === undefined ? [] : [comparison.acknowledgementLagMs],
    )
    .sort((a, b) => a - b);
  const resolutions = comparisons
    .flatMap((comparison) => (comparison.resolutionLagMs === undefined ? [] : [comparison.resolutionLagMs]))
    .sort((a, b) => a - b);
  const minutes = (value: number | undefined) => (value === undefined ? undefined : toMinutes(value));
  return {
    incidents: comparisons.length,
    acknowledged: lags.length,
    providerFirst: lags.filter((lag) => lag < 0).length,
    medianLagMinutes: minutes(percentile(lags, 0.5)),
    p90LagMinutes: minutes(percentile(lags, 0.9)),
    medianResolutionLagMinutes: minutes(percentile(resolutions, 0.5)),
  };
}
