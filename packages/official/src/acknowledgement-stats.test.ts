import { describe, expect, it } from "vitest";
import { acknowledgementStats } from "./acknowledgement-stats.ts";

const MINUTE = 60_000;
const compared = (lagMinutes: number | undefined, resolutionMinutes?: number) => ({
  incidentId: "x",
  onsetAt: 0,
  ...(lagMinutes === undefined
    ? {}
    : { acknowledgedAt: lagMinutes * MINUTE, acknowledgementLagMs: lagMinutes * MINUTE }),
  ...(resolutionMinutes === undefined
    ? {}
    : { resolvedOfficially: resolutionMinutes * MINUTE, resolutionLagMs: resolutionMinutes * MINUTE }),
});

describe("acknowledgement statistics", () => {
  it("counts incidents and acknowledgements, with nearest-rank median and p90 lags", () => {
    const lags = [5, 12, -3, 40, 25, 18, 9, 30, 60, 15];
    const stats = acknowledgementStats([...lags.map((lag) => compared(lag, lag + 60)), compared(undefined)]);
    expect(stats).toEqual({
      incidents: 11,
      acknowledged: 10,
      providerFirst: 1,
      // Sorted: -3 5 9 12 15 18 25 30 40 60: the 5th and the 9th.
      medianLagMinutes: 15,
      p90LagMinutes: 40,
      medianResolutionLagMinutes: 75,
    });
  });

  it("has no lags to speak of when nothing was acknowledged", () => {
    expect(acknowledgementStats([compared(undefined), compared(undefined)])).toEqual({
      incidents: 2,
      acknowledged: 0,
      providerFirst: 0,
      medianLagMinutes: undefined,
      p90LagMinutes: undefined,
      medianResolutionLagMinutes: undefined,
    });
  });
});
