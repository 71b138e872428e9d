import type { EventExpectation, OfficialTimeline, Scenario } from "./scenarios/scenario.ts";
import type { BucketInput, BucketVerdict } from "./types.ts";

const MINUTE_MS = 60_000;
const WEEK_MS = 7 * 24 * 60 * MINUTE_MS;

/** What the harness needs of a detector: one verdict per bucket, fed in time order. */
export interface Detector {
  push(input: BucketInput): BucketVerdict;
}

/** Makes a fresh detector for a series of the given bucket width. */
export type DetectorFactory = (bucketMs: number) => Detector;

/** How the detector did on one labelled event. */
export interface EventResult {
  scenario: string;
  kind: string;
  expect: EventExpectation;
  multiplier: number;
  /** For "detect": an incident opened during the event. For "ignore": a false incident overlapped it. */
  detected: boolean;
  /** Buckets from the event's start to the bucket where the incident was opened. */
  latencyBuckets?: number;
  /** Distance in buckets between the incident's estimated onset and the event's real start. */
  boundaryErrorBuckets?: number;
  /** Against the provider's word, for events whose scenario has one. */
  official?: OfficialComparison;
}

/** When the provider spoke, and how far ahead of it the detector was: minutes, from the event's start. */
export interface OfficialComparison {
  /** Absent: not detected. */
  detectedAfterMinutes?: number;
  /** Absent: never acknowledged. Negative: the provider spoke before the public noticed. */
  acknowledgedAfterMinutes?: number;
  resolvedAfterMinutes?: number;
  /** Acknowledgement minus detection: positive when the detector was first. Absent if either is missing. */
  leadMinutes?: number;
  /** Where the provider's times come from. */
  source: string;
}

/** How the detector did on one scenario. */
export interface ScenarioResult {
  scenario: string;
  /** Scored buckets (after the warm-up). */
  buckets: number;
  /** Scored buckets outside every labelled event. */
  cleanBuckets: number;
  events: EventResult[];
  /** Incidents that overlap no event the detector should have detected. */
  falseIncidents: number;
}

/** Totals over all scenarios. */
export interface EvaluationTotals {
  /** Detected share of the "detect" events (1 when there are none). */
  recall: number;
  detectEvents: number;
  missed: number;
  falseIncidents: number;
  /** False incidents per 100 weeks of clean series time. */
  falseIncidentsPer100SeriesWeeks: number;
  /** "ignore" events that a false incident overlapped. */
  ignoredEventsAlarmed: number;
  /** Over detected events; NaN when none was detected. */
  medianLatencyBuckets: number;
  p95LatencyBuckets: number;
  /** Detected events with an official timeline, and how many of those the provider never acknowledged. */
  officialEvents: number;
  unacknowledged: number;
  /** Median lead over the official acknowledgement, in minutes; NaN when none can be measured. */
  medianOfficialLeadMinutes: number;
}

/** Results per scenario and their totals. */
export interface Evaluation {
  results: ScenarioResult[];
  totals: EvaluationTotals;
}

/** A scored incident: from the bucket that opened it to the one that resolved it (or the last bucket). */
interface Span {
  openedAt: number;
  closedAt: number;
  /** The detector's onset estimate, as last reported while the incident was open. */
  startedAt: number;
}

/**
 * Replays a scenario through a fresh detector: every point, warm-up included, in order. Only verdicts
 * after the warm-up count; an incident opened during the warm-up is not scored.
 */
export function evaluateScenario(scenario: Scenario, factory: DetectorFactory): ScenarioResult {
  const { bucketMs, warmupBuckets, points, events } = scenario;
  const detector = factory(bucketMs);
  const spans: Span[] = [];
  let open: Span | undefined;
  points.forEach((point, i) => {
    const verdict = detector.push(point);
    if (i < warmupBuckets) return;
    if (verdict.event === "opened") {
      // A detector should resolve before it opens again; if not, the old incident ends here.
      if (open) spans.push({ ...open, closedAt: verdict.t });
      open = { openedAt: verdict.t, closedAt: verdict.t, startedAt: verdict.t };
    }
    if (!open) return;
    if (verdict.incident) open.startedAt = verdict.incident.startedAt;
    if (verdict.event === "resolved") {
      spans.push({ ...open, closedAt: verdict.t });
      open = undefined;
    }
  });
  const lastT = points[points.length - 1]?.t ?? 0;
  if (open) spans.push({ ...open, closedAt: lastT });

  const overlaps = (span: Span, event: { start: number; end: number }): boolean =>
    span.openedAt <= event.end && span.closedAt >= event.start;
  const detectEvents = events.filter((event) => event.expect === "detect");
  const alarmed = new Set<(typeof events)[number]>();
  let falseIncidents = 0;
  for (const span of spans) {
    if (detectEvents.some((event) => overlaps(span, event))) continue;
    falseIncidents++;
    for (const event of events) if (event.expect === "ignore" && overlaps(span, event)) alarmed.add(event);
  }

  const results = events.map((event): EventResult => {
    const base = {
      scenario: scenario.name,
      kind: event.kind,
      expect: event.expect,
      multiplier: event.multiplier,
    };
    if (event.expect === "ignore") return { ...base, detected: alarmed.has(event) };
    const hit = spans.find((span) => span.openedAt >= event.start && span.openedAt <= event.end);
    const official = event.official && compareWithOfficial(event.start, hit?.openedAt, event.official);
    const withOfficial = official ? { official } : {};
    if (!hit) return { ...base, detected: false, ...withOfficial };
    return {
      ...base,
      detected: true,
      latencyBuckets: (hit.openedAt - event.start) / bucketMs,
      boundaryErrorBuckets: Math.abs(hit.startedAt - event.start) / bucketMs,
      ...withOfficial,
    };
  });

  const scored = points.slice(warmupBuckets);
  const cleanBuckets = scored.filter((p) => !events.some((e) => p.t >= e.start && p.t <= e.end)).length;
  return { scenario: scenario.name, buckets: scored.length, cleanBuckets, events: results, falseIncidents };
}

function compareWithOfficial(
  start: number,
  openedAt: number | undefined,
  { acknowledgedAt, resolvedAt, source }: OfficialTimeline,
): OfficialComparison {
  const minutesFrom = (from: number, to: number) => (to - from) / MINUTE_MS;
  return {
    ...(openedAt === undefined ? {} : { detectedAfterMinutes: minutesFrom(start, openedAt) }),
    ...(acknowledgedAt === undefined ? {} : { acknowledgedAfterMinutes: minutesFrom(start, acknowledgedAt) }),
    ...(resolvedAt === undefined ? {} : { resolvedAfterMinutes: minutesFrom(start, resolvedAt) }),
    ...(acknowledgedAt === undefined || openedAt === undefined
      ? {}
      : { leadMinutes: minutesFrom(openedAt, acknowledgedAt) }),
    source,
  };
}

/** Evaluates every scenario with fresh detectors from `factory` and totals the results. */
export function evaluate(scenarios: Scenario[], factory: DetectorFactory): Evaluation {
  const results = scenarios.map((scenario) => evaluateScenario(scenario, factory));
  const events = results.flatMap((result) => result.events);
  const detect = events.filter((event) => event.expect === "detect");
  const latencies = detect
    .flatMap((event) => (event.latencyBuckets === undefined ? [] : [event.latencyBuckets]))
    .sort((a, b) => a - b);
  const officialEvents = detect.filter((event) => event.detected && event.official);
  const leads = officialEvents
    .flatMap((event) => (event.official?.leadMinutes === undefined ? [] : [event.official.leadMinutes]))
    .sort((a, b) => a - b);
  const falseIncidents = results.reduce((sum, result) => sum + result.falseIncidents, 0);
  const cleanWeeks = scenarios.reduce(
    (sum, scenario, i) => sum + ((results[i]?.cleanBuckets ?? 0) * scenario.bucketMs) / WEEK_MS,
    0,
  );
  return {
    results,
    totals: {
      recall: detect.length === 0 ? 1 : latencies.length / detect.length,
      detectEvents: detect.length,
      missed: detect.length - latencies.length,
      falseIncidents,
      falseIncidentsPer100SeriesWeeks: cleanWeeks === 0 ? 0 : (falseIncidents / cleanWeeks) * 100,
      ignoredEventsAlarmed: events.filter((event) => event.expect === "ignore" && event.detected).length,
      medianLatencyBuckets: quantile(latencies, 0.5),
      p95LatencyBuckets: quantile(latencies, 0.95),
      officialEvents: officialEvents.length,
      unacknowledged: officialEvents.filter((event) => event.official?.acknowledgedAfterMinutes === undefined)
        .length,
      medianOfficialLeadMinutes: quantile(leads, 0.5),
    },
  };
}

/** The evaluation as Markdown: one table per scenario, then the totals. */
export function formatEvaluation(evaluation: Evaluation): string {
  const lines: string[] = [];
  for (const result of evaluation.results) {
    lines.push(
      `### ${result.scenario}`,
      "",
      `${result.buckets} scored buckets, ${result.cleanBuckets} clean, ${result.falseIncidents} false incident(s).`,
      "",
    );
    if (result.events.length === 0) continue;
    lines.push(
      "| event | expect | multiplier | outcome | latency (buckets) | onset error (buckets) |",
      "| --- | --- | ---: | --- | ---: | ---: |",
    );
    for (const event of result.events) {
      const outcome =
        event.expect === "detect"
          ? event.detected
            ? "detected"
            : "missed"
          : event.detected
            ? "alarmed"
            : "ignored";
      lines.push(
        `| ${event.kind} | ${event.expect} | ${formatNumber(event.multiplier)}x | ${outcome} | ` +
          `${formatNumber(event.latencyBuckets)} | ${formatNumber(event.boundaryErrorBuckets)} |`,
      );
    }
    lines.push("");
  }
  lines.push(...formatOfficialLeads(evaluation.results));
  const { totals } = evaluation;
  lines.push(
    "### Totals",
    "",
    "| measure | value |",
    "| --- | ---: |",
    `| recall | ${formatNumber(totals.recall)} (${totals.detectEvents - totals.missed} of ${totals.detectEvents}) |`,
    `| missed | ${totals.missed} |`,
    `| false incidents | ${totals.falseIncidents} |`,
    `| false incidents per 100 series-weeks | ${formatNumber(totals.falseIncidentsPer100SeriesWeeks)} |`,
    `| ignore events alarmed | ${totals.ignoredEventsAlarmed} |`,
    `| median latency (buckets) | ${formatNumber(totals.medianLatencyBuckets)} |`,
    `| p95 latency (buckets) | ${formatNumber(totals.p95LatencyBuckets)} |`,
    `| detected events with an official timeline | ${totals.officialEvents} |`,
    `| of those, never acknowledged by the provider | ${totals.unacknowledged} |`,
    `| median lead over the official acknowledgement (min) | ${formatNumber(totals.medianOfficialLeadMinutes)} |`,
    "",
  );
  return lines.join("\n");
}

/**
 * One row per event with an official timeline: when the detector opened its incident and when the
 * provider spoke, from the event's start; a positive lead means the detector was first.
 */
function formatOfficialLeads(results: ScenarioResult[]): string[] {
  const rows = results.flatMap((result) =>
    result.events.flatMap(({ kind, official }) => {
      if (!official) return [];
      const acknowledged = official.acknowledgedAfterMinutes;
      return [
        `| ${result.scenario} | ${kind} | ${formatNumber(official.detectedAfterMinutes)} | ` +
          `${acknowledged === undefined ? "never" : formatNumber(acknowledged)} | ` +
          `${formatNumber(official.leadMinutes)} | ${formatNumber(official.resolvedAfterMinutes)} | ${official.source} |`,
      ];
    }),
  );
  if (rows.length === 0) return [];
  return [
    "### Lead over the provider's word",
    "",
    "Minutes from the event's start; the lead is the acknowledgement minus the detection (positive: the detector was first).",
    "",
    "| scenario | event | detected | acknowledged | lead | officially resolved | official times from |",
    "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ...rows,
    "",
  ];
}

/** Nearest-rank quantile of sorted values; NaN when there are none. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "–";
  return Math.abs(value) >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
}
