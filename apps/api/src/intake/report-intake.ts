import { randomUUID } from "node:crypto";
import { type CatalogIndex, DependencyUnavailableError, type ReportInput, type Signal } from "@outcry/core";
import type { SignalSink } from "@outcry/queue";
import { addressIdentity } from "./client-address.ts";
import type { IntakeGuard } from "./intake-guard.ts";
import { reporterKey } from "./reporter-key.ts";

export type IntakeResult =
  | { outcome: "accepted"; id: string; counted: boolean; at: number }
  | { outcome: "rate_limited"; retryAfterMs: number }
  | { outcome: "rejected"; field: "service" | "problem"; message: string };

export interface ReportIntakeDeps {
  catalog: () => CatalogIndex;
  guard: IntakeGuard;
  batcher: SignalSink;
  reporterKeySecret: string;
  now?: () => number;
}

/**
 * Turns a well-formed report from an address into a signal in Redis. It answers only after the
 * signal is stored (so an accepted report is never lost), counts one report per reporter per
 * service per dedupe window (Downdetector counts a user's first report for a company only), and
 * refuses reporters over the rate limit.
 */
export class ReportIntake {
  readonly #deps: ReportIntakeDeps;
  readonly #now: () => number;

  constructor(deps: ReportIntakeDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  async submit(report: ReportInput, address: string): Promise<IntakeResult> {
    const catalog = this.#deps.catalog();
    const service = catalog.get(report.service);
    if (!service) {
      return { outcome: "rejected", field: "service", message: `unknown service "${report.service}"` };
    }
    if (!catalog.hasProblem(report.service, report.problem)) {
      const known = service.problems.map((problem) => problem.id).join(", ");
      return {
        outcome: "rejected",
        field: "problem",
        message: `unknown problem "${report.problem}" for ${report.service}; one of: ${known}`,
      };
    }

    const id = randomUUID();
    const reporter = reporterKey(this.#deps.reporterKeySecret, addressIdentity(address));
    const decision = await redisCall(() => this.#deps.guard.check(reporter, report.service, id));
    const at = this.#now();
    if (!decision.allowed) return { outcome: "rate_limited", retryAfterMs: decision.retryAfterMs };
    if (!decision.counted) return { outcome: "accepted", id, counted: false, at };

    const signal: Signal = {
      id,
      service: report.service,
      region: report.region,
      source: "report",
      at,
      problem: report.problem,
      reporter,
      ...(report.subdivision ? { subdivision: report.subdivision } : {}),
      ...(report.city ? { city: report.city } : {}),
      ...(report.comment ? { text: report.comment } : {}),
    };
    try {
      await this.#deps.batcher.add(signal);
    } catch (error) {
      // Not acknowledged: give the reporter their slot back so a retry is counted.
      await this.#deps.guard.release(reporter, report.service, id).catch(() => {});
      throw new DependencyUnavailableError("redis", { cause: error });
    }
    return { outcome: "accepted", id, counted: true, at };
  }
}

async function redisCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DependencyUnavailableError("redis", { cause: error });
  }
}
