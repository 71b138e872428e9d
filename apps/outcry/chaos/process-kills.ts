import { killAggregatorAfterCommit } from "./batch-in-flight.ts";
import { type Fault, type FaultContext, type FaultOutcome, ready, recovery } from "./chaos-fault.ts";
import type { Replica } from "./chaos-system.ts";

/**
 * Starts a killed replica again at once, as a supervisor (systemd, Kubernetes) would. Recovered
 * once the replacement answers /readyz.
 */
async function restartAndRecover(
  context: FaultContext,
  fault: string,
  replica: Replica,
  injectedAt: number,
  notes: string[],
): Promise<FaultOutcome> {
  await context.system.restart(replica);
  const recoveredAt = await recovery(() => ready(replica));
  return { fault, injectedAt, recoveredAt, notes: [replica.name, ...notes], unheard: 0 };
}

async function killReplica(context: FaultContext, fault: string, replica: Replica): Promise<FaultOutcome> {
  const injectedAt = Date.now();
  context.progress(`${fault}: kill -9 of ${replica.name} (pid ${replica.process.process.pid})`);
  await context.system.kill(replica);
  return restartAndRecover(context, fault, replica, injectedAt, []);
}

/** api 2: the slow clients sit on api 1, and must be cut off by the server, not by a kill. */
export const apiKilled: Fault = {
  name: "api killed (kill -9)",
  inject(context) {
    return killReplica(context, this.name, context.system.replica("api 2"));
  },
};

/**
 * The aggregator caught between the commit of a batch and telling the queue (see
 * killAggregatorAfterCommit): its job, still locked by the dead worker, is delivered again once its
 * lock expires, and the batch id recorded with the counts must keep it from counting twice.
 */
export const aggregatorKilledMidBatch: Fault = {
  name: "aggregator killed mid-batch (kill -9)",
  async inject(context) {
    const aggregators = context.system.byRole("aggregator");
    const pidOf = (replica: Replica) => replica.process.process.pid as number;
    let injectedAt = Date.now();
    let victim = aggregators[0] as Replica;
    const kill = async (pid: number) => {
      victim = aggregators.find((candidate) => pidOf(candidate) === pid) as Replica;
      injectedAt = Date.now();
      context.progress(`${this.name}: kill -9 of ${victim.name} (pid ${pid})`);
      await context.system.kill(victim);
    };
    const killed = await killAggregatorAfterCommit({
      sql: context.sql,
      redisUrl: context.system.redis?.url as string,
      pids: aggregators.map(pidOf),
      kill,
      timeoutMs: 10_000,
    });
    // No batch in 10 s (no load?): an aggregator is killed all the same.
    if (killed.pid === undefined) await kill(pidOf(victim));
    return restartAndRecover(context, this.name, victim, injectedAt, [`its batch ${killed.stage}`]);
  },
};

export const ingestKilled: Fault = {
  name: "ingest killed (kill -9)",
  inject(context) {
    return killReplica(context, this.name, context.system.replica("ingest"));
  },
};
