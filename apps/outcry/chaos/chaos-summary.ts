import { cpus, loadavg } from "node:os";
import { recoveryMs } from "./chaos-fault.ts";
import type { ChaosRun } from "./chaos-run.ts";
import { formatTable, OUTSIDE_ROW, percentile, tableRows } from "./chaos-table.ts";
import { unheardBound } from "./chaos-verdict.ts";
import { countsAgree } from "./counted-audit.ts";
import { NO_ANSWER } from "./report-load.ts";

/** The machine a run measured, for the figures to mean something next to another machine's. */
export function machineLine(): string {
  const [one] = loadavg();
  return `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, load average ${one?.toFixed(2)} at the start`;
}

const n = (value: number) => value.toLocaleString("en-US");
const ms = (value: number | undefined) => (value === undefined ? "n/a" : `${Math.round(value)} ms`);

/** The table, the notes under it, and the verdict, as `outcry chaos` prints them. */
export function summarize(run: ChaosRun, failures: readonly string[], machine: string): string {
  const { audit, load, plan } = run;
  const rows = tableRows(run);
  const outside = rows.find((row) => row.fault === OUTSIDE_ROW);
  const seconds = (run.loadStoppedAt - run.loadStartedAt) / 1000;
  const recoveries = run.outcomes.map((outcome) => recoveryMs(outcome) ?? Number.POSITIVE_INFINITY);
  const slowest = Math.max(...recoveries);
  const acks: number[] = [];
  for (let i = 0; i < load.log.length; i++)
    if (load.log.status[i] === 202) acks.push(load.log.latencyMs[i] as number);
  const reasons = [...load.noAnswerReasons].map(([reason, count]) => `${reason} ${n(count)}`).join(", ");
  const met = (ok: boolean) => (ok ? "met" : "missed");
  return [
    `${plan.name} run; ${machine}`,
    "",
    formatTable(rows),
    "",
    ...run.outcomes.map((outcome) => `- ${outcome.fault}: ${outcome.notes.join("; ")}`),
    `- load: ${n(plan.ratePerSecond)} reports/s offered, ${n(Math.round(load.sent / seconds))}/s sent over ${seconds.toFixed(0)} s, at most ${plan.concurrency} in flight; ack p50 ${ms(percentile(acks, 0.5))} over the whole run, p99 ${ms(outside?.p99AckMs)} outside fault windows`,
    `- no answer: ${n(load.statuses.get(NO_ANSWER) ?? 0)}${reasons ? ` (${reasons})` : ""}; a refused connection is retried on the other replica, as a load balancer would`,
    `- acknowledged as counted: ${n(audit.acknowledged)}, of them in Postgres: ${n(audit.acknowledged - audit.missing.length)}; stored without an acknowledgement: ${n(audit.unacknowledged)} (at most ${n(unheardBound(run))}: 503s, no answers, bodies whose socket was reset)`,
    `- duplicates: ${n(audit.duplicates)}; counts_minute, counts_hour and the service totals ${countsAgree(audit.totals) ? "all equal" : "do NOT all equal"} the ${n(audit.totals.reports)} stored reports`,
    `- queues drained ${(run.drainMs / 1000).toFixed(1)} s after the load stopped; ${run.failedBatches} batches failed for good; ${run.redeliveriesIgnored} batches delivered again were recognised by their id and not counted twice; series with two open incidents: ${run.seriesWithTwoOpenIncidents}`,
    ...run.security.map(
      (check) =>
        `- security, ${check.name}: ${check.failures.length === 0 ? "passed" : "FAILED"} (${check.detail})`,
    ),
    `- targets: recovery under ${plan.targets.recoveryMs / 1000} s ${met(slowest <= plan.targets.recoveryMs)} (slowest ${Number.isFinite(slowest) ? (slowest / 1000).toFixed(1) : "never"} s); p99 ack under ${plan.targets.p99AckMs} ms outside fault windows ${met((outside?.p99AckMs ?? Number.POSITIVE_INFINITY) <= plan.targets.p99AckMs)}`,
    "",
    failures.length === 0
      ? "PASS: every report acknowledged as counted is counted exactly once, no 5xx but 503 with Retry-After, every process recovered by itself"
      : `FAIL:\n${failures.map((failure) => `  - ${failure}`).join("\n")}`,
  ].join("\n");
}
