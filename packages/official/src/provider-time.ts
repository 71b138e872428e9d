/**
 * Time zones providers write after an RFC 822 date, in minutes east of UTC. RFC 822's own (UT, GMT,
 * Z and the four US zones) and the abbreviations status feeds are seen to use besides; one that
 * names two zones (IST: India, Ireland or Israel) is left out, so such a date is refused rather
 * than guessed.
 */
const ZONES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  BST: 60,
  CET: 60,
  CEST: 120,
  EET: 120,
  EEST: 180,
  JST: 540,
  KST: 540,
  HKT: 480,
  SGT: 480,
  AEST: 600,
  AEDT: 660,
};

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const RFC_822 =
  /^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|[+-]\d{4})?$/;

/**
 * A provider's timestamp as epoch ms, or undefined when it cannot be read for certain. Takes ISO
 * 8601 (Statuspage, Atom, Bluesky: "2025-04-16T12:38:04.123-07:00") and RFC 822 dates (RSS: "Wed,
 * 16 Apr 2025 12:38:04 PDT", "... +0200"). A timestamp without a zone is read as UTC, never as
 * the server's local time (which `Date.parse` would do, making the result depend on where Outcry
 * runs).
 */
export function parseProviderTime(text: string | null | undefined): number | undefined {
  if (typeof text !== "string") return undefined;
  const value = text.trim();
  const iso = ISO_8601.exec(value);
  if (iso) {
    const [, year = "", month = "", day = "", hour = "0", minute = "0", second = "0", fraction = "", zone] =
      iso;
    const ms = Math.round(Number(`0.${fraction || "0"}`) * 1000);
    return utc(+year, +month, +day, +hour, +minute, +second, ms, zoneOffset(zone));
  }
  const rfc = RFC_822.exec(value);
  if (rfc) {
    const [, day = "", monthName = "", yearText = "", hour = "", minute = "", second = "0", zone] = rfc;
    const month = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase()) + 1;
    if (month === 0) return undefined;
    // RFC 822 two-digit years; RFC 2822 reads 00-49 as 20xx.
    const year = yearText.length === 2 ? (+yearText < 50 ? 2000 : 1900) + +yearText : +yearText;
    return utc(year, month, +day, +hour, +minute, +second, 0, zoneOffset(zone));
  }
  return undefined;
}

/** Minutes east of UTC; 0 when absent; undefined for a zone that cannot be known. */
function zoneOffset(zone: string | undefined): number | undefined {
  if (zone === undefined) return 0;
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const [, sign, hours = "", minutes = "0"] = numeric;
    if (+hours > 23 || +minutes > 59) return undefined;
    return (sign === "-" ? -1 : 1) * (+hours * 60 + +minutes);
  }
  return ZONES[zone.toUpperCase()];
}

function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offsetMinutes: number | undefined,
): number | undefined {
  if (offsetMinutes === undefined) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  // A leap second (:60) is read as :59.
  const local = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms);
  // Date.UTC rolls 31 April over into May: a day that does not exist is refused instead.
  const check = new Date(local);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return local - offsetMinutes * 60_000;
}
