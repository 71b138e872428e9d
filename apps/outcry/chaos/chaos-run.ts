import { setTimeout as sleep } from "node:timers/promises";
import type postgres from "postgres";
import { type FaultContext, type FaultOutcome, recoveryMs } from "./chaos-fault.ts";
import { FAULTS } from "./chaos-faults.ts";
import type { ChaosPlan } from "./chaos-plan.ts";
import type { ChaosSystem } from "./chaos-system.ts";
import type { RunRecord } from "./chaos-table.ts";
import { auditCounts, type CountAudit, excessByMinute } from "./counted-audit.ts";
import { drainSignals } from "./queue-drain.ts";
import { ReportLoad } from "./report-load.ts";
import { type SecurityCheck, securityChecks } from "./security-checks.ts";

/** Everything a run saw, gathered once the queues drained: what the verdict and the table read. */
export interface ChaosRun extends RunRecord {
  plan: ChaosPlan;
  audit: CountAudit;
  /** Problems found after the load: slow clients never cut off, a queue that did not drain. */
  lateFailures: string[];
  /** How long the queues took to drain after the load stopped, and the batches that failed for good. */
  drainMs: number;
  failedBatches: number;
  /** Batches delivered twice and recognised by their id, by the running aggregators' counters. */
  redeliveriesIgnored: number;
  /** Series (service, region, source) with more than one open incident. */
  seriesWithTwoOpenIncidents: number;
  unexpectedExits: readonly string[];
  readyAtEnd: boolean;
  /** The security sweep, run once the faults and the load are over. */
  security: SecurityCheck[];
}

/**
 * Runs the load over a started system, injects every fault in turn with steady stretches between
 * them, stops the load, drains the queues, and reads back what Postgres counted.
 */
export async function runChaos(
  system: ChaosSystem,
  plan: ChaosPlan,
  progress: (line: string) => void,
): Promise<ChaosRun> {
  const sql = system.sql as postgres.Sql;
  const load = new ReportLoad(system.apiUrls, {
    ratePerSecond: plan.ratePerSecond,
    concurrency: plan.concurrency,
    repeatEvery: 20,
  });
  const loadStartedAt = Date.now();
  const outcomes: FaultOutcome[] = [];
  const context: FaultContext = { system, sql, load, plan, progress };
  let loadStopped = false;
  try {
    progress(`load: ${plan.ratePerSecond} reports/s over ${system.apiUrls.join(" and ")}`);
    await sleep(plan.warmupMs);
    for (const fault of FAULTS) {
      const outcome = await fault.inject(context).catch(
        (error: Error): FaultOutcome => ({
          fault: fault.name,
          injectedAt: Date.now(),
          recoveredAt: undefined,
          notes: [`failed: ${error.message.split("\n")[0]}`],
          unheard: 0,
        }),
      );
      outcomes.push(outcome);
      const recoveredAfter = recoveryMs(outcome);
      const recovery = recoveredAfter === undefined ? "never" : `${(recoveredAfter / 1000).toFixed(1)} s`;
      progress(`${fault.name}: recovered after ${recovery} (${outcome.notes.join("; ")})`);
      await sleep(plan.settleMs);
    }
    await load.stop();
    loadStopped = true;
    const loadStoppedAt = Date.now();
    progress(`load stopped: ${load.sent} requests, ${load.counted} acknowledged as counted`);
    // After the load: starting its extra replica costs a core for seconds, which the table would
    // otherwise charge to the steady stretches.
    const security = await securityChecks(system, progress).catch((error: Error): SecurityCheck[] => [
      { name: "security sweep", detail: "", failures: [`failed: ${error.message.split("\n")[0]}`] },
    ]);
    for (const check of security) {
      const verdict = check.failures.length === 0 ? "passed" : `${check.failures.length} FAILED`;
      progress(`security: ${check.name}: ${verdict}`);
    }
    progress("draining");

    const lateFailures: string[] = [];
    for (const outcome of outcomes) {
      const failure = await outcome.finalCheck?.();
      if (failure) lateFailures.push(failure);
    }
    const drainStarted = Date.now();
    const drain = await drainSignals(system, plan.drainTimeoutMs).catch((error: Error) => {
      lateFailures.push(`the queues did not drain: ${error.message}`);
      return { failed: 0 };
    });
    const drainMs = Date.now() - drainStarted;
    // Logs are one JSON object a line, faults or not: a raw line is something printing on its own,
    // such as a Redis client with nobody listening for its errors.
    const raw = system.processes.flatMap((outcry) => outcry.output.filter((line) => !line.startsWith("{")));
    if (raw.length > 0) {
      lateFailures.push(
        `${raw.length} log lines are not JSON, e.g. ${raw.slice(0, 2).join(" / ").slice(0, 300)}`,
      );
    }
    const audit = await auditCounts(sql, load.countedIds);
    const incidents = await sql`select extract(epoch from detected_at) * 1000 as at from incidents`;
    const doubleIncidents = await sql`
      select service, region, source from incidents
      where status = 'open' group by 1, 2, 3 having count(*) > 1`;
    return {
      plan,
      loadStartedAt,
      loadStoppedAt,
      outcomes,
      load,
      audit,
      missing: new Set(audit.missing),
      storedReports: audit.totals.reports,
      duplicates: audit.duplicates,
      excessByMinute: await excessByMinute(sql),
      incidentsDetectedAt: incidents.map((row) => Number(row.at)),
      lateFailures,
      drainMs,
      failedBatches: drain.failed,
      seriesWithTwoOpenIncidents: doubleIncidents.length,
      redeliveriesIgnored: await redeliveriesIgnored(system),
      unexpectedExits: system.unexpectedExits,
      readyAtEnd: await system.allReady(),
      security,
    };
  } finally {
    if (!loadStopped) await load.stop();
    for (const outcome of outcomes) outcome.release?.();
  }
}

/**
 * Batches the aggregators applied a second time and found already counted (a killed worker's batch
 * that had committed), from their `outcry_signal_batches_total{result="duplicate"}`. A restarted
 * aggregator's counter starts again at 0, so the one that took over the batch is the one that counts it.
 */
async function redeliveriesIgnored(system: ChaosSystem): Promise<number> {
  const counts = await Promise.all(
    system.byRole("aggregator").map(async (replica) => {
      const metrics = await (await fetch(replica.process.metricsUrl as string)).text().catch(() => "");
      return Number(metrics.match(/^outcry_signal_batches_total\{result="duplicate"\} (\d+)/m)?.[1] ?? 0);
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}
