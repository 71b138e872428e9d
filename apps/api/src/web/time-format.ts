import { DAY_MS, HOUR_MS, MINUTE_MS } from "@outcry/core";

// Written out by hand rather than with Intl: the same words on every server, whatever its ICU data,
// so a citation copied today reads the same next year.
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const two = (value: number) => String(value).padStart(2, "0");

/** "16 April 2025" (UTC). */
export function utcDate(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** "12:04 UTC". */
export function utcTime(ms: number): string {
  const date = new Date(ms);
  return `${two(date.getUTCHours())}:${two(date.getUTCMinutes())} UTC`;
}

/** "16 April 2025, 12:04 UTC". */
export function utcDateTime(ms: number): string {
  return `${utcDate(ms)}, ${utcTime(ms)}`;
}

/**
 * A span of time said plainly: "16 April 2025, 12:00–16:08 UTC" within a day,
 * "16 April 2025, 23:50 UTC – 17 April 2025, 00:20 UTC" across midnight, and
 * "since 16 April 2025, 12:00 UTC" while it has no end.
 */
export function utcSpan(start: number, end: number | undefined): string {
  if (end === undefined) return `since ${utcDateTime(start)}`;
  if (utcDate(start) === utcDate(end)) {
    return `${utcDate(start)}, ${utcTime(start).replace(" UTC", "")}–${utcTime(end)}`;
  }
  return `${utcDateTime(start)} – ${utcDateTime(end)}`;
}

/** "48 min", "3 h 12 min", "2 days 4 h": how long something lasted, to the minute. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / MINUTE_MS));
  if (minutes < 60) return `${minutes} min`;
  const days = Math.floor((minutes * MINUTE_MS) / DAY_MS);
  const hours = Math.floor(((minutes * MINUTE_MS) % DAY_MS) / HOUR_MS);
  const rest = minutes % 60;
  if (days > 0) return `${days} ${days === 1 ? "day" : "days"}${hours > 0 ? ` ${hours} h` : ""}`;
  return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
}

/** "just now", "5 min ago", "3 h ago", or the date: when a post or an incident happened. */
export function ago(ms: number, now: number): string {
  const elapsed = now - ms;
  if (elapsed < MINUTE_MS) return "just now";
  if (elapsed < HOUR_MS) return `${Math.floor(elapsed / MINUTE_MS)} min ago`;
  if (elapsed < DAY_MS) return `${Math.floor(elapsed / HOUR_MS)} h ago`;
  return utcDate(ms);
}
