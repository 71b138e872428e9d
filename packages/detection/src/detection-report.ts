import { AverageThresholdDetector } from "./alternatives/average-threshold.ts";
import { type DetectorFactory, type Evaluation, evaluate, formatEvaluation } from "./evaluation.ts";
import { generateScenarios } from "./scenarios/generate.ts";
import { spotifyOutageScenario } from "./scenarios/spotify-2025-04-16.ts";
import { SeriesDetector } from "./series-detector.ts";

/** Detectors the evaluation can compare: Outcry's, a variant of it, and the floor to beat. */
export const DETECTORS: Record<string, { description: string; factory: DetectorFactory }> = {
  outcry: {
    description: "SeriesDetector with Outcry's defaults",
    factory: (bucketMs) => new SeriesDetector({ bucketMs }),
  },
  "outcry-any-window": {
    description: "the same, but a single bucket may open an incident, at 2x (an earlier setting)",
    factory: (bucketMs) => new SeriesDetector({ bucketMs, minOpenWindow: 1, minRatio: 2 }),
  },
  "time-of-day-average": {
    description: "Downdetector's public method: 3x the average for the time of day, at least 10 reports",
    factory: (bucketMs) => new AverageThresholdDetector(bucketMs),
  },
};

/** The totals of every detector in DETECTORS on the same scenarios, as one Markdown table. */
export function compareDetectors(seed = 1): string {
  const scenarios = [...generateScenarios(seed), spotifyOutageScenario(seed)];
  const rows = Object.entries(DETECTORS).map(([name, { description, factory }]) => {
    const { totals } = evaluate(scenarios, factory);
    const latency = (value: number) => (Number.isFinite(value) ? String(value) : "–");
    return `| ${name} | ${description} | ${totals.detectEvents - totals.missed} of ${totals.detectEvents} | ${totals.falseIncidents} | ${totals.falseIncidentsPer100SeriesWeeks.toFixed(1)} | ${totals.ignoredEventsAlarmed} | ${latency(totals.medianLatencyBuckets)} | ${latency(totals.p95LatencyBuckets)} |`;
  });
  return [
    "| detector | what it is | detected | false incidents | per 100 series-weeks | ignore events alarmed | median latency | p95 latency |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}

/**
 * Runs every generated scenario and the Spotify replay through a fresh SeriesDetector each, with
 * the defaults Outcry runs with, and scores it: what `outcry eval detection` prints.
 */
export function evaluateDetection(seed = 1): { evaluation: Evaluation; markdown: string } {
  const scenarios = [...generateScenarios(seed), spotifyOutageScenario(seed)];
  const evaluation = evaluate(scenarios, (bucketMs) => new SeriesDetector({ bucketMs }));
  return { evaluation, markdown: formatEvaluation(evaluation) };
}
