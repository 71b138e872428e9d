import type { Writable } from "node:stream";
import { compareDetectors, evaluateDetection } from "@outcry/detection";

/**
 * `outcry eval detection`: every generated scenario and the Spotify replay through the detector,
 * scored; prints Markdown tables (docs/detection.md keeps the latest).
 */
export function evalDetection(seed: number, output: Writable, options: { compare?: boolean } = {}): void {
  const started = performance.now();
  if (options.compare) {
    output.write(
      `${compareDetectors(seed)}\n\nSeed ${seed}; compared in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`,
    );
    return;
  }
  const { markdown } = evaluateDetection(seed);
  output.write(
    `${markdown}\n\nSeed ${seed}; evaluated in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`,
  );
}
