import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import type postgres from "postgres";

/** Where an aggregator died in its batch. */
export type BatchKill =
  | { pid: number; stage: "committed, not yet acknowledged to the queue" }
  | { pid: undefined; stage: "no batch seen running" };

/**
 * Kills one aggregator (through `kill`, with the pid) between the commit of a batch in Postgres
 * and the moment it tells the queue the job is done: the one case where the batch is counted and
 * will still be delivered again (once the dead worker's job lock expires), which the batch id
 * recorded with the counts must turn into a no-op.
 *
 * That moment lasts microseconds, so it is made to last: applied_batches is locked against writes
 * until an aggregator's batch statement waits on the lock; Redis then refuses writes for a moment
 * (CLIENT PAUSE WRITE: the api's intake waits, nothing fails), the lock is released, the batch
 * commits, its acknowledgement to the queue waits on the paused Redis, and the process is killed.
 */
export async function killAggregatorAfterCommit(options: {
  sql: postgres.Sql;
  redisUrl: string;
  pids: readonly number[];
  kill: (pid: number) => Promise<void>;
  timeoutMs: number;
}): Promise<BatchKill> {
  const { sql } = options;
  const session = await sql.reserve();
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on("error", () => {});
  let locked = false;
  try {
    await session`begin`;
    await session`lock table applied_batches in exclusive mode`;
    locked = true;
    const batch = await aggregatorInBatch(sql, options.pids, options.timeoutMs);
    if (!batch) return { pid: undefined, stage: "no batch seen running" };
    // Unpaused below; Redis lifts the pause by itself after 10 s should this process die first.
    await redis.call("CLIENT", "PAUSE", "10000", "WRITE");
    await session`commit`;
    locked = false;
    // Committed once its session has no transaction open any more.
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const [row] = await sql`select xact_start from pg_stat_activity where pid = ${batch.backendPid}`;
      if (!row || row.xact_start === null) break;
      await sleep(1);
    }
    await options.kill(batch.pid);
    return { pid: batch.pid, stage: "committed, not yet acknowledged to the queue" };
  } finally {
    await redis.call("CLIENT", "UNPAUSE").catch(() => {});
    redis.disconnect();
    if (locked) await session`commit`.catch(() => {});
    session.release();
  }
}

/**
 * Waits until Postgres is running a signal batch's statement for one of `pids` (aggregator
 * processes); returns that process and the statement's backend. Postgres names only the client's
 * port, so the port is traced to its process through /proc (Linux).
 */
async function aggregatorInBatch(
  sql: postgres.Sql,
  pids: readonly number[],
  timeoutMs: number,
): Promise<{ pid: number; backendPid: number } | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const running = await sql`
      select pid, client_port from pg_stat_activity
      where application_name = 'outcry-aggregator' and state = 'active'
        and query like '%insert into "applied_batches"%'`.catch(() => []);
    for (const { pid: backendPid, client_port: port } of running) {
      const pid = processWithLocalPort(Number(port), pids);
      if (pid !== undefined) return { pid, backendPid: Number(backendPid) };
    }
    await sleep(5);
  }
  return undefined;
}

/** Which of `pids` holds a TCP socket bound locally to `port`, from /proc/net and /proc/<pid>/fd. */
function processWithLocalPort(port: number, pids: readonly number[]): number | undefined {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (local && Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port) {
        inodes.add(fields[9] as string);
      }
    }
  }
  if (inodes.size === 0) return undefined;
  return pids.find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        const target = safeReadlink(`/proc/${pid}/fd/${fd}`);
        return target?.startsWith("socket:[") && inodes.has(target.slice(8, -1));
      });
    } catch {
      return false;
    }
  });
}

function safeReadlink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
