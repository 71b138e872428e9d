import type { ChaosRun } from "./chaos-run.ts";
import { countsAgree } from "./counted-audit.ts";
import { NO_ANSWER } from "./report-load.ts";

/**
 * How many stored reports may lack an acknowledgement: each 503 (Redis died between storing the
 * batch and the reply), each request with no answer, each body whose socket was reset.
 */
export function unheardBound(run: ChaosRun): number {
  const { statuses } = run.load;
  return (
    (statuses.get(503) ?? 0) +
    (statuses.get(NO_ANSWER) ?? 0) +
    run.outcomes.reduce((sum, outcome) => sum + outcome.unheard, 0)
  );
}

/** Why the run failed; empty when it passed. */
export function failuresOf(run: ChaosRun): string[] {
  const { audit, load } = run;
  const failures: string[] = [];
  if (audit.missing.length > 0) {
    failures.push(`${audit.missing.length} reports acknowledged as counted are not in Postgres`);
  }
  if (audit.duplicates > 0) failures.push(`${audit.duplicates} reports counted twice`);
  if (!countsAgree(audit.totals)) {
    failures.push(`the count tables disagree with the stored reports: ${JSON.stringify(audit.totals)}`);
  }
  const bound = unheardBound(run);
  if (audit.unacknowledged < 0 || audit.unacknowledged > bound) {
    failures.push(
      `${audit.unacknowledged} reports stored without an acknowledgement, more than the ${bound} left unanswered`,
    );
  }
  for (const bad of load.badAnswers.slice(0, 5)) {
    failures.push(
      `answered ${bad.status} (Retry-After: ${bad.retryAfter ?? "none"}): ${bad.body.slice(0, 200)}`,
    );
  }
  if (load.badAnswers.length > 5) failures.push(`and ${load.badAnswers.length - 5} more such 5xx answers`);
  for (const outcome of run.outcomes) {
    if (outcome.recoveredAt === undefined) {
      failures.push(`${outcome.fault}: did not recover (${outcome.notes.join("; ")})`);
    }
  }
  failures.push(...run.unexpectedExits, ...run.lateFailures);
  for (const check of run.security) {
    for (const failure of check.failures.slice(0, 5)) failures.push(`security, ${check.name}: ${failure}`);
    if (check.failures.length > 5)
      failures.push(`security, ${check.name}: and ${check.failures.length - 5} more`);
  }
  if (!run.readyAtEnd) failures.push("not every process answers /readyz at the end");
  if (run.failedBatches > 0) failures.push(`${run.failedBatches} signal batches failed for good`);
  return failures;
}
