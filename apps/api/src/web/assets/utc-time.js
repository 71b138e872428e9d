// Times as the pages print them, always in UTC: "12:04 UTC", "16 April 2025, 12:04 UTC".

const MONTH = new Intl.DateTimeFormat("en", { month: "long", timeZone: "UTC" });
const SHORT_MONTH = new Intl.DateTimeFormat("en", { month: "short", timeZone: "UTC" });
const two = (value) => String(value).padStart(2, "0");

export function utcTime(ms) {
  const date = new Date(ms);
  return `${two(date.getUTCHours())}:${two(date.getUTCMinutes())} UTC`;
}

export function utcDateTime(ms) {
  const date = new Date(ms);
  return `${date.getUTCDate()} ${MONTH.format(date)} ${date.getUTCFullYear()}, ${utcTime(ms)}`;
}

/** A chart's time axis: "14:30", and the date ("25 Nov") at midnight. */
export function utcTick(ms) {
  const date = new Date(ms);
  return date.getUTCHours() === 0 && date.getUTCMinutes() === 0
    ? `${date.getUTCDate()} ${SHORT_MONTH.format(date)}`
    : `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
}
