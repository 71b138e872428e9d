import type { BucketInput } from "../types.ts";
import { createRandom, hashString, type Random } from "./random.ts";
import type { EventExpectation, LabelledEvent, OfficialTimeline, Scenario } from "./scenario.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/**
 * Relative report rate by local hour (interpolated between hours): trough before dawn, a working-day
 * plateau, the peak in the evening when most people use consumer services. Normalised to mean 1 below.
 */
const DAILY_SHAPE = normalise([
  0.5, 0.35, 0.27, 0.23, 0.22, 0.27, 0.4, 0.6, 0.8, 0.95, 1.02, 1.08, 1.12, 1.12, 1.1, 1.1, 1.15, 1.25, 1.4,
  1.55, 1.65, 1.6, 1.35, 0.9,
]);

/** Relative level by local weekday, Monday first: weekends are quieter. */
const WEEKLY_SHAPE = normalise([1, 1, 1, 1.02, 1.05, 0.9, 0.85]);

/** Noise over Poisson: variance = mean + α·mean², so a large series still wobbles by a few percent. */
const DEFAULT_DISPERSION = 0.01;

/** Share of reports that come from someone who already reported in the same bucket. */
const REPEAT_SHARE = 0.03;

/** Hourly step of the slow level drift (log scale, AR(1) with coefficient 0.9: about 6% standard deviation). */
const LEVEL_DRIFT_STEP = 0.026;

/** The traffic of one series, before noise and events. */
export interface Traffic {
  /** Mean reports per minute over a whole week. */
  baseRate: number;
  /** Hours east of UTC where the series' users live: the daily shape follows their clock. */
  utcOffsetHours: number;
  /** From this instant (epoch ms) on, the users' clock is one hour ahead: a daylight-saving switch. */
  dstFrom?: number;
}

/** Expected reports per minute at `t` (epoch ms) for `traffic`: base rate times daily and weekly shape. */
export function expectedRate(traffic: Traffic, t: number): number {
  const offsetHours =
    traffic.utcOffsetHours + (traffic.dstFrom !== undefined && t >= traffic.dstFrom ? 1 : 0);
  const local = t + offsetHours * HOUR_MS;
  const hourOfDay = (((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  const hour = Math.floor(hourOfDay);
  const from = DAILY_SHAPE[hour] ?? 1;
  const to = DAILY_SHAPE[(hour + 1) % 24] ?? 1;
  // Epoch day 0 (1 January 1970) was a Thursday: index 3 with Monday first.
  const weekday = (((Math.floor(local / DAY_MS) + 3) % 7) + 7) % 7;
  return traffic.baseRate * (from + (to - from) * (hourOfDay - hour)) * (WEEKLY_SHAPE[weekday] ?? 1);
}

/** A change of a series' rate over a run of buckets: an outage, a ramp, a blip, news chatter. */
export interface Surge {
  kind: string;
  /** Index of the first affected bucket. */
  startIndex: number;
  /** Affected buckets. */
  length: number;
  /** Peak rate over the baseline, for the label. */
  multiplier: number;
  expect: EventExpectation;
  note?: string;
  /** Applied but not listed among the scenario's events (e.g. an outage inside the warm-up history). */
  unlisted?: boolean;
  /** What the provider said, in minutes from the surge's first bucket (negative: before it). */
  official?: OfficialWord;
  /** Rate of the `k`th affected bucket, given the rate it would have had. */
  rate(baseline: number, k: number): number;
}

/** A provider's acknowledgement and all-clear, relative to the start of the surge they are about. */
export interface OfficialWord {
  /** Absent: the provider never said anything. */
  acknowledgedAfterMinutes?: number;
  resolvedAfterMinutes?: number;
  source: string;
}

/** A burst of reports from a handful of people: many reports, few distinct reporters. */
export interface Flood {
  startIndex: number;
  /** Buckets the reports are spread over. */
  length: number;
  /** Extra reports in all. */
  reports: number;
  /** Distinct people sending them. */
  reporters: number;
  note?: string;
}

/** Everything that determines one generated series. */
export interface SeriesPlan {
  name: string;
  description: string;
  /** First bucket, epoch ms. */
  start: number;
  bucketMs: number;
  warmupBuckets: number;
  scoredBuckets: number;
  /** Expected reports per minute at `t`. */
  rate: (t: number) => number;
  dispersion?: number;
  surges?: Surge[];
  floods?: Flood[];
}

/** The same multiplier over `length` buckets from `startIndex`: a sharp outage, a blip, chatter. */
export function step(
  kind: string,
  startIndex: number,
  length: number,
  multiplier: number,
  expect: EventExpectation,
  note?: string,
): Surge {
  return { kind, startIndex, length, multiplier, expect, note, rate: (baseline) => baseline * multiplier };
}

/** A rise from 1x to `peak` over `rampLength` buckets (the first one already above 1x), then a hold. */
export function ramp(startIndex: number, rampLength: number, holdLength: number, peak: number): Surge {
  return {
    kind: "ramp",
    startIndex,
    length: rampLength + holdLength,
    multiplier: peak,
    expect: "detect",
    note: `1x to ${peak}x over ${rampLength} buckets, held for ${holdLength}`,
    rate: (baseline, k) => baseline * (1 + (peak - 1) * Math.min(1, (k + 1) / rampLength)),
  };
}

/** Draws one series from its plan. Events outside the scored part are refused (they would not count). */
export function generateSeries(random: Random, plan: SeriesPlan): Scenario {
  const total = plan.warmupBuckets + plan.scoredBuckets;
  const dispersion = plan.dispersion ?? DEFAULT_DISPERSION;
  const surges = plan.surges ?? [];
  const floods = plan.floods ?? [];
  const perBucket = plan.bucketMs / MINUTE_MS;
  const bucketsPerHour = Math.max(1, Math.round(HOUR_MS / plan.bucketMs));
  const bucketStart = (index: number): number => plan.start + index * plan.bucketMs;

  const events: LabelledEvent[] = [];
  const label = (event: LabelledEvent, startIndex: number, length: number): void => {
    if (startIndex < plan.warmupBuckets || startIndex + length > total) {
      throw new RangeError(`${plan.name}: ${event.kind} at bucket ${startIndex} is outside the scored part`);
    }
    events.push(event);
  };
  for (const surge of surges) {
    if (surge.unlisted) continue;
    const { kind, multiplier, expect, note, startIndex, length, official } = surge;
    const event = { kind, start: bucketStart(startIndex), end: bucketStart(startIndex + length - 1) };
    label(
      {
        ...event,
        multiplier,
        expect,
        ...(note === undefined ? {} : { note }),
        ...(official === undefined ? {} : { official: officialTimeline(event.start, official) }),
      },
      startIndex,
      length,
    );
  }
  // Each flood report lands in a random bucket of its window.
  const floodCounts = floods.map((flood) => {
    const counts = new Array<number>(flood.length).fill(0);
    for (let n = 0; n < flood.reports; n++) {
      const k = random.int(0, flood.length - 1);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    const baseline = plan.rate(bucketStart(flood.startIndex)) * perBucket;
    label(
      {
        kind: "flood",
        start: bucketStart(flood.startIndex),
        end: bucketStart(flood.startIndex + flood.length - 1),
        multiplier: (baseline + Math.max(...counts)) / baseline,
        expect: "ignore",
        note: flood.note ?? `${flood.reports} reports from ${flood.reporters} reporter(s)`,
      },
      flood.startIndex,
      flood.length,
    );
    return counts;
  });

  const points: BucketInput[] = [];
  const floodSeen = floods.map(() => false);
  let level = 0;
  for (let i = 0; i < total; i++) {
    const t = bucketStart(i);
    // A slow drift of the level, so that no two weeks are quite alike.
    if (i % bucketsPerHour === 0) level = 0.9 * level + LEVEL_DRIFT_STEP * random.normal();
    let rate = plan.rate(t) * perBucket * Math.exp(level);
    for (const surge of surges) {
      const k = i - surge.startIndex;
      if (k >= 0 && k < surge.length) rate = surge.rate(rate, k);
    }
    let count = random.negativeBinomial(rate, dispersion);
    // Real people sometimes report twice within a minute; keep at least one reporter per report set.
    let reporters = count > 0 ? count - Math.min(count - 1, random.poisson(count * REPEAT_SHARE)) : 0;
    floods.forEach((flood, f) => {
      const extra = floodCounts[f]?.[i - flood.startIndex] ?? 0;
      count += extra;
      // `reporters` counts people new to the window (see BucketInput): the flooders are new in
      // their first bucket only, however many reports they send after.
      if (extra > 0 && !floodSeen[f]) {
        reporters += Math.min(extra, flood.reporters);
        floodSeen[f] = true;
      }
    });
    points.push({ t, count, reporters });
  }
  return {
    name: plan.name,
    description: plan.description,
    bucketMs: plan.bucketMs,
    warmupBuckets: plan.warmupBuckets,
    points,
    events: events.sort((a, b) => a.start - b.start),
  };
}

// The standard layout: 1-minute buckets, 3 weeks of warm-up, then one scored week from Monday 3 March 2025.
const WARMUP_BUCKETS = (3 * WEEK_MS) / MINUTE_MS;
const SCORED_BUCKETS = WEEK_MS / MINUTE_MS;
const SCORED_START = Date.UTC(2025, 2, 3);
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** Bucket index of a local wall-clock time ("HH:MM") on a day of the scored week, for a standard plan. */
function scoredAt(day: (typeof DAYS)[number], time: string, utcOffsetHours: number): number {
  const [hours = 0, minutes = 0] = time.split(":").map(Number);
  const local = DAYS.indexOf(day) * DAY_MS + hours * HOUR_MS + minutes * MINUTE_MS;
  return WARMUP_BUCKETS + (local - utcOffsetHours * HOUR_MS) / MINUTE_MS;
}

/** A standard plan: 3 weeks of warm-up and 1 scored week of 1-minute buckets. */
function weekPlan(
  name: string,
  description: string,
  traffic: Traffic,
  events: { surges?: Surge[]; floods?: Flood[] } = {},
): SeriesPlan {
  return {
    name,
    description,
    start: SCORED_START - 3 * WEEK_MS,
    bucketMs: MINUTE_MS,
    warmupBuckets: WARMUP_BUCKETS,
    scoredBuckets: SCORED_BUCKETS,
    rate: (t) => expectedRate(traffic, t),
    ...events,
  };
}

/**
 * Where the generated outages' official timelines come from: chosen, not observed, to cover what the
 * comparison with the provider must handle (a quick and a slow acknowledgement, none at all, and a
 * provider that spoke before the public noticed). They draw no random numbers, so the series stay the same.
 */
const ASSUMED = "assumed for the evaluation";

/** The scenario plans. Times are in each series' local time; rates are weekly means per minute. */
function plans(): SeriesPlan[] {
  const clean = [
    { baseRate: 0.05, utcOffsetHours: 9 },
    { baseRate: 0.5, utcOffsetHours: -3 },
    { baseRate: 5, utcOffsetHours: 5.5 },
    { baseRate: 50, utcOffsetHours: -5 },
    { baseRate: 500, utcOffsetHours: 1 },
    { baseRate: 3000, utcOffsetHours: -8 },
  ].map((traffic) =>
    weekPlan(
      `clean-${traffic.baseRate}-per-min`,
      `Ordinary traffic at ${traffic.baseRate} reports/min (UTC${signed(traffic.utcOffsetHours)}), no events: every incident is false.`,
      traffic,
    ),
  );

  const sharp = [
    {
      multiplier: 5,
      minutes: 90,
      when: "evening-peak",
      day: "tue",
      time: "19:30",
      official: { acknowledgedAfterMinutes: 20, resolvedAfterMinutes: 105, source: ASSUMED },
      baseRate: 50,
      utcOffsetHours: 1,
    },
    {
      multiplier: 10,
      minutes: 30,
      when: "evening-peak",
      day: "thu",
      time: "20:00",
      official: { acknowledgedAfterMinutes: 6, resolvedAfterMinutes: 35, source: ASSUMED },
      baseRate: 3000,
      utcOffsetHours: -5,
    },
    {
      multiplier: 5,
      minutes: 180,
      when: "night-trough",
      day: "wed",
      time: "03:00",
      official: { acknowledgedAfterMinutes: 75, resolvedAfterMinutes: 210, source: ASSUMED },
      baseRate: 500,
      utcOffsetHours: 1,
    },
    {
      multiplier: 10,
      minutes: 60,
      when: "night-trough",
      day: "sat",
      time: "03:30",
      official: { source: `${ASSUMED}: the provider never says anything` },
      baseRate: 5,
      utcOffsetHours: -8,
    },
  ] as const;
  const sharpPlans = sharp.map(({ multiplier, minutes, when, day, time, official, ...traffic }) =>
    weekPlan(
      `outage-${multiplier}x-${when}`,
      `A sharp global outage at ${multiplier}x for ${minutes} min, ${day} ${time} local, on ${traffic.baseRate} reports/min.`,
      traffic,
      {
        surges: [
          {
            ...step("outage", scoredAt(day, time, traffic.utcOffsetHours), minutes, multiplier, "detect"),
            official,
          },
        ],
      },
    ),
  );

  const rampTraffic = { baseRate: 50, utcOffsetHours: 0 };
  const threeX = { baseRate: 20, utcOffsetHours: 2 };
  const regional = { baseRate: 0.3, utcOffsetHours: 0 };
  const blips = { baseRate: 50, utcOffsetHours: 1 };
  const flood = { baseRate: 0.05, utcOffsetHours: 1 };
  const chatter = { baseRate: 500, utcOffsetHours: -5 };
  const repeat = { baseRate: 50, utcOffsetHours: 1 };
  const blipTimes = [
    ["mon", "09:12", 1],
    ["tue", "13:47", 2],
    ["wed", "20:05", 1],
    ["thu", "02:30", 2],
    ["fri", "18:58", 1],
    ["sun", "11:21", 2],
  ] as const;
  const repeatAt = scoredAt("wed", "20:00", repeat.utcOffsetHours);

  return [
    ...clean,
    ...sharpPlans,
    weekPlan(
      "slow-degradation-ramp-4x",
      "A degradation building from 1x to 4x over 60 min, then held for 2 h, on 50 reports/min.",
      rampTraffic,
      {
        surges: [
          {
            ...ramp(scoredAt("fri", "17:00", rampTraffic.utcOffsetHours), 60, 120, 4),
            official: { acknowledgedAfterMinutes: 70, resolvedAfterMinutes: 200, source: ASSUMED },
          },
        ],
      },
    ),
    weekPlan("outage-exactly-3x", "An outage at exactly 3x for 45 min on 20 reports/min.", threeX, {
      surges: [step("outage", scoredAt("mon", "14:00", threeX.utcOffsetHours), 45, 3, "detect")],
    }),
    weekPlan(
      "regional-outage-6x",
      "One country's share of a service (0.3 reports/min) goes down at 6x for 60 min; the world does not.",
      regional,
      {
        surges: [
          {
            ...step("outage", scoredAt("wed", "20:00", regional.utcOffsetHours), 60, 6, "detect", "regional"),
            // The provider was first: it announced the trouble before the public noticed.
            official: { acknowledgedAfterMinutes: -10, resolvedAfterMinutes: 60, source: ASSUMED },
          },
        ],
      },
    ),
    weekPlan("short-blips-3x", "Six 1-2 min blips at 3x on 50 reports/min: noise, not outages.", blips, {
      surges: blipTimes.map(([day, time, minutes]) =>
        step("blip", scoredAt(day, time, blips.utcOffsetHours), minutes, 3, "ignore"),
      ),
    }),
    weekPlan(
      "report-flood-few-reporters",
      "A quiet service (0.05 reports/min) gets 200 reports in 10 min, twice, from 1 and then 2 people.",
      flood,
      {
        floods: [
          {
            startIndex: scoredAt("tue", "10:00", flood.utcOffsetHours),
            length: 10,
            reports: 200,
            reporters: 1,
          },
          {
            startIndex: scoredAt("thu", "21:30", flood.utcOffsetHours),
            length: 10,
            reports: 200,
            reporters: 2,
          },
        ],
      },
    ),
    weekPlan(
      "news-chatter-1.6x",
      "News about the service lifts reports to 1.6x for 2 h on 500 reports/min, with no outage.",
      chatter,
      { surges: [step("chatter", scoredAt("sat", "18:00", chatter.utcOffsetHours), 120, 1.6, "ignore")] },
    ),
    {
      ...weekPlan(
        "daylight-saving-shift",
        "The users' clocks go forward on Sunday 30 March 2025 (UTC+1 to UTC+2): the daily shape moves by 1 h.",
        { baseRate: 50, utcOffsetHours: 1, dstFrom: Date.UTC(2025, 2, 30, 1) },
      ),
      // Scored from Thursday 27 March so that the switch falls inside the scored week.
      start: Date.UTC(2025, 2, 27) - 3 * WEEK_MS,
    },
    {
      name: "new-service-8x",
      description:
        "A service added an hour ago (1 report/min, 60 buckets of history) has an 8x outage 4 h later.",
      start: Date.UTC(2025, 2, 4, 9),
      bucketMs: MINUTE_MS,
      warmupBuckets: 60,
      scoredBuckets: 2 * 24 * 60,
      rate: (t) => expectedRate({ baseRate: 1, utcOffsetHours: 0 }, t),
      surges: [step("outage", 60 + 4 * 60, 60, 8, "detect")],
    },
    weekPlan(
      "outage-after-outage-in-history",
      "A 5x, 2 h outage on Wednesday 20:00; the warm-up had the same outage exactly one week earlier.",
      repeat,
      {
        surges: [
          { ...step("outage", repeatAt - 7 * 24 * 60, 120, 5, "detect"), unlisted: true },
          step("outage", repeatAt, 120, 5, "detect"),
        ],
      },
    ),
  ];
}

/**
 * The labelled synthetic scenarios the detector is evaluated on, one series each: clean traffic at rates
 * from 0.05 to 3000 reports/min, sharp and slow outages, and look-alikes it must ignore (blips, report
 * floods, news chatter, a daylight-saving switch). The same seed always gives the same scenarios.
 */
export function generateScenarios(seed = 1): Scenario[] {
  // Each series draws from its own stream, so adding a scenario leaves the others unchanged.
  return plans().map((plan) => generateSeries(createRandom(hashString(plan.name) ^ seed), plan));
}

function officialTimeline(start: number, word: OfficialWord): OfficialTimeline {
  return {
    ...(word.acknowledgedAfterMinutes === undefined
      ? {}
      : { acknowledgedAt: start + word.acknowledgedAfterMinutes * MINUTE_MS }),
    ...(word.resolvedAfterMinutes === undefined
      ? {}
      : { resolvedAt: start + word.resolvedAfterMinutes * MINUTE_MS }),
    source: word.source,
  };
}

function normalise(values: number[]): number[] {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return values.map((value) => value / mean);
}

function signed(hours: number): string {
  return hours < 0 ? `${hours}` : `+${hours}`;
}
