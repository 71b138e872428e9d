import { type FaultOutcome, recoveryMs } from "./chaos-fault.ts";
import type { ReportLoad } from "./report-load.ts";

/** What the run saw, gathered once the queues drained. */
export interface RunRecord {
  loadStartedAt: number;
  loadStoppedAt: number;
  outcomes: readonly FaultOutcome[];
  load: ReportLoad;
  /** Acknowledged ids not in Postgres. */
  missing: ReadonlySet<string>;
  /** Stored reports in all (the whole run's "counted in Postgres"). */
  storedReports: number;
  duplicates: number;
  /** Per minute bucket (epoch ms): counts above the reports stored for that minute. */
  excessByMinute: ReadonlyMap<number, number>;
  incidentsDetectedAt: readonly number[];
}

export interface TableRow {
  fault: string;
  atS: number | undefined;
  recoveryS: number | undefined;
  sent: number;
  accepted: number;
  rateLimited: number;
  unavailable: number;
  noAnswer: number;
  acknowledgedCounted: number;
  countedInPostgres: number;
  duplicates: number;
  incidents: number;
  p99AckMs: number | undefined;
}

interface Window {
  from: number;
  to: number;
}

/** A fault's window: from its injection until it recovered (or the load ended, if it never did). */
export function windowOf(outcome: FaultOutcome, loadStoppedAt: number): Window {
  return { from: outcome.injectedAt, to: outcome.recoveredAt ?? loadStoppedAt };
}

/**
 * One row per fault, one for the time outside every fault window, and one for the whole run. A
 * request belongs to the first fault window its wait (from sending to the answer) overlaps: a
 * request sent just before a kill and cut off by it is the kill's. The rest are outside.
 */
export function tableRows(record: RunRecord): TableRow[] {
  const windows = record.outcomes.map((outcome) => windowOf(outcome, record.loadStoppedAt));
  const rowOf = (from: number, to: number) =>
    windows.findIndex((window) => from <= window.to && to >= window.from);
  const OUTSIDE = windows.length;
  const tallies = Array.from({ length: windows.length + 2 }, () => new Tally());
  const whole = tallies[windows.length + 1] as Tally;
  const { log, countedIds, countedSentAt, countedAnsweredAt } = record.load;
  for (let i = 0; i < log.length; i++) {
    const sentAt = log.sentAt[i] as number;
    const latency = log.latencyMs[i] as number;
    const row = rowOf(sentAt, sentAt + latency);
    for (const tally of [tallies[row === -1 ? OUTSIDE : row] as Tally, whole])
      tally.answer(log.status[i] as number, latency);
  }
  for (let i = 0; i < countedIds.length; i++) {
    const row = rowOf(countedSentAt[i] as number, countedAnsweredAt[i] as number);
    const found = !record.missing.has(countedIds[i] as string);
    for (const tally of [tallies[row === -1 ? OUTSIDE : row] as Tally, whole]) tally.acknowledged(found);
  }
  for (const at of record.incidentsDetectedAt) {
    const row = rowOf(at, at);
    (tallies[row === -1 ? OUTSIDE : row] as Tally).incidents++;
  }
  const faultRows = record.outcomes.map(
    (outcome, index): TableRow => ({
      ...(tallies[index] as Tally).summary(),
      fault: outcome.fault,
      atS: (outcome.injectedAt - record.loadStartedAt) / 1000,
      recoveryS: inSeconds(recoveryMs(outcome)),
      duplicates: excessWithin(record.excessByMinute, windows[index] as Window),
    }),
  );
  const attributed = faultRows.reduce((sum, row) => sum + row.duplicates, 0);
  return [
    ...faultRows,
    {
      ...(tallies[OUTSIDE] as Tally).summary(),
      fault: OUTSIDE_ROW,
      atS: undefined,
      recoveryS: undefined,
      duplicates: Math.max(0, record.duplicates - attributed),
    },
    {
      ...whole.summary(),
      fault: WHOLE_RUN_ROW,
      atS: undefined,
      recoveryS: undefined,
      // Also the reports stored without an acknowledgement (a 503 or a reset socket after the body).
      countedInPostgres: record.storedReports,
      duplicates: record.duplicates,
      incidents: record.incidentsDetectedAt.length,
    },
  ];
}

export const OUTSIDE_ROW = "outside fault windows";
export const WHOLE_RUN_ROW = "whole run";

/** The answers of one row's requests. */
class Tally {
  readonly #statuses = new Map<number, number>();
  readonly #ackLatencies: number[] = [];
  #sent = 0;
  #acknowledged = 0;
  #found = 0;
  incidents = 0;

  answer(status: number, latencyMs: number): void {
    this.#sent++;
    this.#statuses.set(status, (this.#statuses.get(status) ?? 0) + 1);
    if (status === 202) this.#ackLatencies.push(latencyMs);
  }

  acknowledged(foundInPostgres: boolean): void {
    this.#acknowledged++;
    if (foundInPostgres) this.#found++;
  }

  summary(): Omit<TableRow, "fault" | "atS" | "recoveryS" | "duplicates"> {
    return {
      sent: this.#sent,
      accepted: this.#statuses.get(202) ?? 0,
      rateLimited: this.#statuses.get(429) ?? 0,
      unavailable: this.#statuses.get(503) ?? 0,
      noAnswer: this.#statuses.get(0) ?? 0,
      acknowledgedCounted: this.#acknowledged,
      countedInPostgres: this.#found,
      incidents: this.incidents,
      p99AckMs: percentile(this.#ackLatencies, 0.99),
    };
  }
}

/** Counts above the stored reports in the minutes a window touches. */
function excessWithin(excessByMinute: ReadonlyMap<number, number>, window: Window): number {
  let excess = 0;
  for (const [minute, over] of excessByMinute) {
    if (minute + 60_000 > window.from && minute <= window.to) excess += Math.max(0, over);
  }
  return excess;
}

function inSeconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

const COLUMNS: ReadonlyArray<[string, (row: TableRow) => string]> = [
  ["fault", (row) => row.fault],
  ["at s", (row) => seconds(row.atS)],
  [
    "recovery s",
    (row) =>
      row.fault === "whole run" || row.fault.startsWith("outside") ? "" : seconds(row.recoveryS, "never"),
  ],
  ["sent", (row) => number(row.sent)],
  ["202", (row) => number(row.accepted)],
  ["429", (row) => number(row.rateLimited)],
  ["503", (row) => number(row.unavailable)],
  ["no answer", (row) => number(row.noAnswer)],
  ["acked counted", (row) => number(row.acknowledgedCounted)],
  ["counted in Postgres", (row) => number(row.countedInPostgres)],
  ["duplicates", (row) => number(row.duplicates)],
  ["incidents opened", (row) => number(row.incidents)],
  ["p99 ack ms", (row) => (row.p99AckMs === undefined ? "" : String(Math.round(row.p99AckMs)))],
];

/** A Markdown table, aligned for a terminal and ready to paste into docs. */
export function formatTable(rows: readonly TableRow[]): string {
  const cells = [COLUMNS.map(([title]) => title), ...rows.map((row) => COLUMNS.map(([, cell]) => cell(row)))];
  const widths = COLUMNS.map((_, column) =>
    Math.max(...cells.map((line) => (line[column] as string).length)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, column) => (column === 0 ? value.padEnd(widths[column] as number) : value.padStart(widths[column] as number))).join(" | ")} |`;
  // The rule as Markdown formatters write it (Biome's lint keeps the docs so), numbers right-aligned.
  const rule = line(
    widths.map((width, column) => (column === 0 ? "-".repeat(width) : `${"-".repeat(width - 1)}:`)),
  );
  return [line(cells[0] as string[]), rule, ...cells.slice(1).map(line)].join("\n");
}

function seconds(value: number | undefined, missing = ""): string {
  return value === undefined ? missing : value.toFixed(1);
}

function number(value: number): string {
  return value.toLocaleString("en-US");
}
