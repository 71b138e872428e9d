// Detector tick benchmark: one new bucket pushed to each of 10,000 active series, as the
// aggregator's tick does, timed over many ticks; beside the time-of-day average detector (the
// bare floor) in the same run. Usage: pnpm bench:tick [--series 10000] [--ticks 30]
import { parseArgs } from "node:util";
import { AverageThresholdDetector, type Detector, SeriesDetector } from "../src/index.ts";
import { createRandom } from "../src/scenarios/random.ts";

const { values } = parseArgs({
  options: { series: { type: "string", default: "10000" }, ticks: { type: "string", default: "30" } },
});
const seriesCount = Number(values.series);
const ticks = Number(values.ticks);
const MINUTE = 60_000;
const t0 = Date.parse("2025-04-14T00:00:00Z");
const random = createRandom(42);
// Rates from sparse to busy, as a catalog of services x regions is.
const rates = Array.from({ length: seriesCount }, () => Math.exp(random.next() * Math.log(2000)) / 20);

function measure(name: string, make: () => Detector) {
  const detectors = rates.map(() => make());
  const warmup = 180;
  for (let minute = 0; minute < warmup; minute++) {
    detectors.forEach((detector, i) => {
      detector.push({ t: t0 + minute * MINUTE, count: random.poisson(rates[i] as number) });
    });
  }
  const durations: number[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    const t = t0 + (warmup + tick) * MINUTE;
    const counts = rates.map((rate) => random.poisson(rate));
    const started = performance.now();
    for (let i = 0; i < detectors.length; i++)
      (detectors[i] as Detector).push({ t, count: counts[i] as number });
    durations.push(performance.now() - started);
  }
  durations.sort((a, b) => a - b);
  const at = (q: number) =>
    (durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] as number).toFixed(1);
  return { detector: name, series: seriesCount, "median ms": at(0.5), "p95 ms": at(0.95), "max ms": at(1) };
}

console.log(`detector tick: ${seriesCount} series, ${ticks} ticks, one core (Node ${process.versions.node})`);
console.table([
  measure("time-of-day average (floor)", () => new AverageThresholdDetector(MINUTE)),
  measure("SeriesDetector", () => new SeriesDetector({ bucketMs: MINUTE })),
]);
