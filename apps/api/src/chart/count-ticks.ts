/**
 * Round-numbered ticks from 0 up to at least `max`, about `target` of them, at steps of 1, 2 or 5
 * times a power of ten and never below 1 (counts are whole). The last tick is the axis top.
 */
export function countTicks(max: number, target: number): number[] {
  const top = Math.max(max, 1);
  const rough = top / Math.max(target, 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 1);
  const ticks: number[] = [];
  for (let value = 0; value < top + step; value += step) {
    ticks.push(value);
    if (value >= top) break;
  }
  return ticks;
}
