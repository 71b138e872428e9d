import { DAY_MS, HOUR_MS, MINUTE_MS } from "@outcry/core";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Spacings a reader counts in without effort; weeks start on Monday. */
const INTERVALS = [
  MINUTE_MS,
  5 * MINUTE_MS,
  10 * MINUTE_MS,
  15 * MINUTE_MS,
  30 * MINUTE_MS,
  HOUR_MS,
  2 * HOUR_MS,
  3 * HOUR_MS,
  6 * HOUR_MS,
  12 * HOUR_MS,
  DAY_MS,
  2 * DAY_MS,
  7 * DAY_MS,
  14 * DAY_MS,
];
// The epoch fell on a Thursday; Monday 1970-01-05 is where weeks line up.
const WEEK_OFFSET_MS = 4 * DAY_MS;

export interface TimeTick {
  t: number;
  /** "08:00" within a day, "16 Apr" at midnight and for day-sized spacings; always UTC. */
  label: string;
}

/** At most `maxTicks` ticks over [from, to], on round UTC times. */
export function timeTicks(from: number, to: number, maxTicks: number): TimeTick[] {
  const span = to - from;
  const interval =
    INTERVALS.find((candidate) => span / candidate <= Math.max(maxTicks, 1)) ??
    Math.ceil(span / Math.max(maxTicks, 1) / (7 * DAY_MS)) * 7 * DAY_MS;
  const offset = interval % (7 * DAY_MS) === 0 ? WEEK_OFFSET_MS : 0;
  const ticks: TimeTick[] = [];
  const first = Math.ceil((from - offset) / interval) * interval + offset;
  for (let t = first; t <= to; t += interval) {
    ticks.push({ t, label: interval >= DAY_MS || t % DAY_MS === 0 ? utcDay(t) : utcClock(t) });
  }
  return ticks;
}

/** "16 Apr" */
export function utcDay(at: number): string {
  const date = new Date(at);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
}

/** "08:05" */
export function utcClock(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

/** "16 Apr 2025 08:05" */
export function utcDateTime(at: number): string {
  return `${utcDay(at)} ${new Date(at).getUTCFullYear()} ${utcClock(at)}`;
}
