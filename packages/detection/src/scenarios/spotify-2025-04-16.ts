/*
 * A replay of the Spotify outage of Wednesday 16 April 2025, as one worldwide series of user reports per
 * minute. Times are given in UTC; that day New York was on EDT (UTC-4), London on BST (UTC+1), Paris,
 * Berlin and Madrid on CEST (UTC+2), India on IST (UTC+5:30).
 *
 * What was publicly reported (press coverage of the day; figures are Downdetector's unless said):
 * - Start: UK coverage (PA, via upday) said Downdetector showed problems beginning around 1 p.m. BST
 *   (12:00 UTC); French and Spanish coverage said around, or shortly after, 14:00 CEST (12:00 UTC).
 *   The Guardian, as quoted by Sportskeeda, had the UK spike around 1:30 p.m. BST (12:30 UTC), about 30
 *   minutes after problems began. US outlets gave 8:45 a.m. ET (12:45 UTC), the time Spotify spoke.
 * - Early volume: French coverage said more than 6,000 people had reported problems by 14:30 CEST
 *   (12:30 UTC), without saying which country's site; the German tracker allestoerungen.de had over
 *   17,000 complaints by 14:37 CEST (12:37 UTC).
 * - Acknowledgement: @SpotifyStatus posted "We're aware of some issues right now and are checking them
 *   out!" at about 8:45 a.m. ET (12:45 UTC), per several outlets (one says about 9:00). Spotify later
 *   said on X that reports of a security hack were false.
 * - Peak: over 48,000 reports (AP; the Guardian as quoted by Sportskeeda; one outlet says nearly 49,000),
 *   mostly on the US site. Republic World quoted over 47,000 at 7:02 p.m. IST (13:32 UTC); another
 *   outlet put 48,000 at about 9:30 a.m. ET (13:30 UTC).
 * - Decay: AP reported over 20,000 at 10:45 a.m. ET (14:45 UTC), down from the peak; one smaller outlet
 *   reported over 32,000 at 10:28 a.m. ET (14:28 UTC).
 * - Recovery: Spotify told media the service was back by 11:45 a.m. ET (15:45 UTC); @SpotifyStatus
 *   posted its "All clear" at 5:08 p.m. BST (16:08 UTC), as quoted by Sportskeeda from the Guardian;
 *   Spanish coverage has Spotify Status confirming recovery by 18:00 CEST (16:00 UTC). French coverage
 *   called it about three hours of disruption.
 *
 * Assumptions (not reported; chosen here):
 * - Onset: the first elevated minute is 12:00 UTC, taking "around 1 p.m. BST" and "14:00 CEST" at face
 *   value. Sportskeeda's "began around 6:20 a.m. EDT" (10:20 UTC) fits no other report and is ignored.
 * - Units: the interval Downdetector counts over is not stated in the reports, and its figures are mostly
 *   from the US site; the replay uses them as worldwide reports per minute. What matters for the
 *   detector is the shape and the ratio to the baseline, not the absolute level.
 * - Shape: linear between the reported points; the 1,000/min at 15:45 UTC (residual reports once
 *   Spotify said it was back) and the return to baseline at the 16:08 "All clear" are assumptions.
 * - Baseline: 30 reports per minute on average, half with a US Eastern and half with a Central European
 *   daily shape, and 2 weeks of such normal traffic as warm-up before 16 April.
 */

import { expectedRate, generateSeries, type Surge, type Traffic } from "./generate.ts";
import { createRandom } from "./random.ts";
import type { Scenario } from "./scenario.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const DAY = Date.UTC(2025, 3, 16);

const US_EAST: Traffic = { baseRate: 15, utcOffsetHours: -4 };
const CENTRAL_EUROPE: Traffic = { baseRate: 15, utcOffsetHours: 2 };

/** @SpotifyStatus: "We're aware of some issues right now and are checking them out!" (UTC). */
const ACKNOWLEDGED = "12:45";
/** @SpotifyStatus: "All clear" (UTC). */
const ALL_CLEAR = "16:08";

/** Reports per minute over the baseline, at UTC times of 16 April 2025; linear in between. */
const EXCESS: readonly (readonly [string, number])[] = [
  ["11:59", 0], // onset: the next minute, 12:00 UTC, is the first elevated one
  ["12:30", 6_000], // French coverage: "more than 6,000" by 14:30 CEST
  ["13:30", 48_000], // Downdetector peak, "over 48,000"
  ["14:28", 32_000], // "over 32,000" at 10:28 a.m. ET (one outlet)
  ["14:45", 20_000], // AP: "over 20,000" at 10:45 a.m. ET
  ["15:45", 1_000], // assumed residual when Spotify said the service was restored
  [ALL_CLEAR, 0], // @SpotifyStatus "All clear"
];

function minuteOfDay(time: string): number {
  const [hours = 0, minutes = 0] = time.split(":").map(Number);
  return hours * 60 + minutes;
}

/** Linear interpolation of the excess reports at `minute` of the day. */
function excessAt(minute: number): number {
  for (let i = 1; i < EXCESS.length; i++) {
    const [fromTime, from] = EXCESS[i - 1] ?? ["00:00", 0];
    const [toTime, to] = EXCESS[i] ?? ["00:00", 0];
    const a = minuteOfDay(fromTime);
    const b = minuteOfDay(toTime);
    if (minute >= a && minute <= b) return from + ((to - from) * (minute - a)) / (b - a);
  }
  return 0;
}

/**
 * The Spotify outage of 16 April 2025 replayed from press reports (see the comment at the top of the
 * file for each number and how sure it is): 2 weeks of warm-up, then the day of 16 April (UTC) scored.
 */
export function spotifyOutageScenario(seed = 1): Scenario {
  const warmupBuckets = (14 * DAY_MS) / MINUTE_MS;
  const start = DAY - 14 * DAY_MS;
  const rate = (t: number): number => expectedRate(US_EAST, t) + expectedRate(CENTRAL_EUROPE, t);
  const onset = minuteOfDay(EXCESS[0]?.[0] ?? "00:00") + 1;
  const last = minuteOfDay(EXCESS[EXCESS.length - 1]?.[0] ?? "00:00") - 1;
  const peakAt = DAY + minuteOfDay("13:30") * MINUTE_MS;
  const outage: Surge = {
    kind: "outage",
    startIndex: warmupBuckets + onset,
    length: last - onset + 1,
    multiplier: (rate(peakAt) + excessAt(minuteOfDay("13:30"))) / rate(peakAt),
    expect: "detect",
    note: "Spotify, 16 April 2025, reconstructed from press reports of Downdetector figures",
    rate: (baseline, k) => baseline + excessAt(onset + k),
    // The provider's word as reported (see the comment at the top): @SpotifyStatus's first post and its
    // "All clear", in minutes from the first elevated minute.
    official: {
      acknowledgedAfterMinutes: minuteOfDay(ACKNOWLEDGED) - onset,
      resolvedAfterMinutes: minuteOfDay(ALL_CLEAR) - onset,
      source:
        "@SpotifyStatus as quoted by the press: acknowledged about 12:45 UTC (several outlets), all clear 16:08 UTC (the Guardian)",
    },
  };
  return generateSeries(createRandom(seed), {
    name: "spotify-2025-04-16",
    description:
      "Spotify's worldwide outage of 16 April 2025: onset about 12:00 UTC, over 48,000 reports at the peak " +
      "around 13:30 UTC, all clear at 16:08 UTC.",
    start,
    bucketMs: MINUTE_MS,
    warmupBuckets,
    scoredBuckets: DAY_MS / MINUTE_MS,
    rate,
    surges: [outage],
  });
}
