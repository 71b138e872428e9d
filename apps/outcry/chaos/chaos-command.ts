import { RedisServerMissingError } from "../src/redis-server.ts";
import { FULL_PLAN, QUICK_PLAN } from "./chaos-plan.ts";
import { runChaos } from "./chaos-run.ts";
import { machineLine, summarize } from "./chaos-summary.ts";
import { ChaosSystem } from "./chaos-system.ts";
import { failuresOf } from "./chaos-verdict.ts";
import { SetupError } from "./private-postgres.ts";

export interface ChaosCommandOptions {
  quick: boolean;
  /** Reports per second instead of the plan's. */
  rate?: number | undefined;
}

/**
 * `outcry chaos [--quick] [--rate N]`: starts the system as separate processes with a Postgres and
 * a Redis of its own, runs the load and the faults, prints the table on stdout (progress goes to
 * stderr) and exits 0 only if every check passed. Whatever it started is stopped and deleted on
 * the way out, also after an error or Ctrl-C.
 */
export async function chaosCommand(options: ChaosCommandOptions): Promise<number> {
  const base = options.quick ? QUICK_PLAN : FULL_PLAN;
  const plan = options.rate ? { ...base, ratePerSecond: options.rate } : base;
  const started = Date.now();
  // Before anything starts: the load the machine already had.
  const machine = machineLine();
  const progress = (line: string) =>
    process.stderr.write(`chaos ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${line}\n`);
  const system = new ChaosSystem(progress);

  // Last resort when the process ends without the finally below (process.exit elsewhere).
  const onExit = () => system.closeSync();
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping every process and deleting the temporary folders`);
    void system.close().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    progress(`${plan.name} run: starting Postgres, Redis, 2 api, 2 aggregator and 1 ingest processes`);
    await system.start();
    progress("every process is up");
    const run = await runChaos(system, plan, progress);
    const failures = failuresOf(run);
    process.stdout.write(`\n${summarize(run, failures, machine)}\n`);
    progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return failures.length === 0 ? 0 : 1;
  } catch (error) {
    const known = error instanceof SetupError || error instanceof RedisServerMissingError;
    progress(
      `failed: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 1;
  } finally {
    await system.close();
    process.off("exit", onExit);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
