import { setTimeout as sleep } from "node:timers/promises";
import type postgres from "postgres";
import type { ChaosPlan } from "./chaos-plan.ts";
import { answers, type ChaosSystem, type Replica } from "./chaos-system.ts";
import type { ReportLoad } from "./report-load.ts";

/** What a fault may touch: the running system, its database, the load, and the run's plan. */
export interface FaultContext {
  system: ChaosSystem;
  sql: postgres.Sql;
  load: ReportLoad;
  plan: ChaosPlan;
  progress: (line: string) => void;
}

export interface FaultOutcome {
  fault: string;
  injectedAt: number;
  /** When the affected part answered again; undefined when it had not within the deadline. */
  recoveredAt: number | undefined;
  /**
   * For a fault that lasts (a flood, a batch of bad requests): when it stopped. Recovery is timed
   * from then, since the system is meant to keep serving while it goes on.
   */
  endedAt?: number;
  notes: string[];
  /** Reports that may be stored although their client heard nothing (it hung up after the body). */
  unheard: number;
  /** Checked once the load is over, for faults whose effect outlasts their window: a failure, or undefined. */
  finalCheck?: () => Promise<string | undefined>;
  /** Lets go of whatever the fault still holds (sockets); called once, whatever happened. */
  release?: () => void;
}

export interface Fault {
  readonly name: string;
  inject(context: FaultContext): Promise<FaultOutcome>;
}

/** How long the system took to recover once the fault stopped; undefined when it never did. */
export function recoveryMs(outcome: FaultOutcome): number | undefined {
  if (outcome.recoveredAt === undefined) return undefined;
  return outcome.recoveredAt - (outcome.endedAt ?? outcome.injectedAt);
}

/** A fault not recovered from by then has failed; the run goes on with the next one. */
const RECOVERY_DEADLINE_MS = 60_000;

/** Polls `recovered` until it holds; resolves with when it did, or undefined at the deadline. */
export async function recovery(recovered: () => Promise<boolean>): Promise<number | undefined> {
  const deadline = Date.now() + RECOVERY_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (await recovered().catch(() => false)) return Date.now();
    await sleep(50);
  }
  return undefined;
}

/** Whether a replica answers /readyz: up, with its Postgres and Redis reachable. */
export const ready = (replica: Replica) => answers(replica.process.probeUrl("/readyz"));
