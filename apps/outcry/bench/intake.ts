// Intake benchmark: HTTP report to counted in Postgres, against a bare Hono handler measured in the
// same run with the same load generator, for one or more api replicas (the load is spread over them).
// Usage: pnpm bench:intake [--duration 60] [--connections 128] [--api-replicas 1,2]
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import postgres from "postgres";
import { outcryIsUp, type Started, startProcess as start, stopProcess as stop } from "./bench-process.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    connections: { type: "string", default: "128" },
    roles: { type: "string", default: "split" },
    // Each count is measured in turn, bare handlers and Outcry alike: a scaling curve.
    "api-replicas": { type: "string", default: "1" },
    // An existing Redis instead of the supervised one (to compare persistence settings).
    "redis-url": { type: "string" },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const replicaCounts = values["api-replicas"].split(",").map(Number);
if (replicaCounts.some((n) => !Number.isInteger(n) || n < 1)) {
  throw new Error(`--api-replicas: a list of counts such as 1,2 (got ${values["api-replicas"]})`);
}
if (values.roles !== "split" && replicaCounts.some((n) => n > 1)) {
  throw new Error("--api-replicas above 1 needs --roles split (one aggregator beside the api replicas)");
}
const root = new URL("../../..", import.meta.url).pathname;
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Every request comes from a reporter of its own, so every accepted report is counted. */
let reporter = 0;
function load(urls: string[]) {
  return autocannon({
    // autocannon spreads its connections over the URLs in turn (its README; the types know one URL).
    url: urls.map((url) => `${url}/v1/reports`) as unknown as string,
    connections,
    duration,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const n = reporter++;
          request.headers = {
            "content-type": "application/json",
            "x-forwarded-for": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
          };
          request.body = JSON.stringify({
            service: n % 3 === 0 ? "spotify" : n % 3 === 1 ? "discord" : "steam",
            problem: "login",
            region: n % 2 ? "GB" : "US",
          });
          return request;
        },
      },
    ],
  });
}

type Result = Awaited<ReturnType<typeof load>>;

/** CPU ticks (1/100 s) each process has used so far, by a label; Linux only. */
function cpuTicks(pids: Record<string, number[]>): Record<string, number> {
  const ticks = (pid: number) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  };
  return Object.fromEntries(
    Object.entries(pids).map(([label, list]) => [label, list.reduce((sum, pid) => sum + ticks(pid), 0)]),
  );
}

function postgresPids(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("postgres");
      } catch {
        return false;
      }
    });
}
const accepted = (result: Result) => result["2xx"];

async function measureBare(replicas: number): Promise<Result> {
  const bare: Started[] = [];
  try {
    for (let i = 0; i < replicas; i++) {
      bare.push(
        await start([join(root, "apps/outcry/bench/bare-hono.ts")], {}, (line) => line.msg === "listening"),
      );
    }
    return await load(bare.map((started) => `http://127.0.0.1:${started.line.port}`));
  } finally {
    for (const started of bare) await stop(started.proc);
  }
}

async function measureOutcry(apiReplicas: number) {
  const name = `outcry_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), "outcry-bench-"));
  const env: Record<string, string> = {
    ...(values["redis-url"] ? { REDIS_URL: values["redis-url"], QUEUE_PREFIX: name } : {}),
    DATABASE_URL: url.toString(),
    DATA_DIR: dataDir,
    PORT: "0",
    TRUST_PROXY: "1",
    LOG_LEVEL: "warn",
    LOG_REQUESTS: "false",
    REPORTER_KEY_SECRET: "bench-secret-bench-secret",
  };
  const main = join(root, "apps/outcry/src/main.ts");
  const isUp = outcryIsUp;
  // One process with the supervised redis-server (AOF, fsync always), plus an aggregator process
  // when split, as a small deployment runs it.
  const roles = values.roles === "split" ? ["api", "aggregator"] : ["all"];
  const processes: Started[] = [];
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const first = await start(
      [main, "start", "--role", roles[0] as string],
      { ...env, LOG_LEVEL: "info" },
      isUp,
    );
    processes.push(first);
    const redisUrl =
      values["redis-url"] ?? (String(first.line.redis).match(/redis:\/\/[^\s]+/)?.[0] as string);
    // More api replicas share the first one's Redis, as compose or Kubernetes would run them.
    for (let i = 1; i < apiReplicas; i++) {
      processes.push(
        await start(
          [main, "start", "--role", "api"],
          { ...env, LOG_LEVEL: "info", REDIS_URL: redisUrl },
          isUp,
        ),
      );
    }
    if (roles[1])
      processes.push(
        await start(
          [main, "start", "--role", roles[1]],
          { ...env, LOG_LEVEL: "info", REDIS_URL: redisUrl },
          isUp,
        ),
      );
    const apis = processes.slice(0, apiReplicas);
    const watched: Record<string, number[]> = {
      "load generator": [process.pid],
      [`outcry --role ${roles[0]}${apiReplicas > 1 ? ` (${apiReplicas} replicas)` : ""}`]: apis.map(
        (started) => started.proc.pid as number,
      ),
      ...(roles[1] ? { [`outcry --role ${roles[1]}`]: [processes.at(-1)?.proc.pid as number] } : {}),
      "redis-server": values["redis-url"]
        ? []
        : [Number(readFileSync(join(dataDir, "redis", "redis.pid"), "utf8"))],
      postgres: postgresPids(),
    };
    const before = cpuTicks(watched);
    const result = await load(apis.map((started) => String(started.line.api)));
    const loadEnded = Date.now();
    // Postgres starts a backend per new connection; those opened during the load count too.
    watched.postgres = [...new Set([...(watched.postgres ?? []), ...postgresPids()])];
    const after = cpuTicks(watched);
    const cpu = Object.fromEntries(
      Object.keys(watched).map((label) => [
        label,
        `${(((after[label] ?? 0) - (before[label] ?? 0)) / duration).toFixed(1)}%`,
      ]),
    );
    // What the api acknowledged as counted, by its own metric: the client stops reading the
    // responses still in flight when the duration ends, the server has sent them all the same.
    // The client stops when the duration ends; requests already sent finish a moment later on the
    // server and count in its metric: let them land before reading it.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    let acknowledged = 0;
    for (const api of apis) {
      const metrics = await (await fetch(`${api.line.api}/metrics`)).text();
      acknowledged += Number(metrics.match(/outcry_reports_total\{outcome="counted"\} (\d+)/)?.[1] ?? 0);
    }
    let counted = 0;
    while (Date.now() - loadEnded < 120_000) {
      counted = (await sql`select coalesce(sum(count), 0)::int as n from counts_minute`)[0]?.n ?? 0;
      if (counted >= acknowledged) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const drainMs = Date.now() - loadEnded;
    const [rows] =
      await sql`select count(*)::int as reports, count(distinct id)::int as distinct_reports from reports`;
    const [batches] = await sql`select count(*)::int as n, avg(signals)::float8 as mean from applied_batches`;
    return {
      result,
      cpu,
      acknowledged,
      counted,
      drainMs,
      reports: rows?.reports as number,
      distinctReports: rows?.distinct_reports as number,
      batches: batches?.n as number,
      meanBatch: batches?.mean as number,
    };
  } finally {
    await sql.end();
    for (const started of processes.reverse()) await stop(started.proc);
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const row = (label: string, result: Result) => ({
  target: label,
  "req/s": Math.round(accepted(result) / duration),
  "p50 ms": result.latency.p50,
  "p99 ms": result.latency.p99,
  "max ms": result.latency.max,
  accepted: accepted(result),
  "non-2xx": result.non2xx,
  errors: result.errors + result.timeouts,
});

console.log(
  `intake benchmark: ${duration} s per target, ${connections} connections, ${cpus().length} cores (${cpus()[0]?.model})`,
);
const curve: Record<string, string | number>[] = [];
for (const replicas of replicaCounts) {
  const label = replicas === 1 ? "" : ` x${replicas}`;
  const bare = await measureBare(replicas);
  const outcry = await measureOutcry(replicas);
  console.log(`\n${replicas} api replica(s):`);
  console.table([
    row(`bare Hono handler${label}`, bare),
    row(`outcry (${values.roles})${label}`, outcry.result),
  ]);
  console.log("CPU during the outcry load (100% = one core):");
  console.table(outcry.cpu);
  const ratio = accepted(outcry.result) / accepted(bare);
  console.log(`outcry / bare: ${ratio.toFixed(2)}x`);
  console.log(
    `acknowledged ${outcry.acknowledged} (client saw ${accepted(outcry.result)} before it stopped reading), counted in Postgres ${outcry.counted} (reports rows ${outcry.reports}, distinct ${outcry.distinctReports}), queue drained ${outcry.drainMs} ms after the load`,
  );
  console.log(`${outcry.batches} batches, ${outcry.meanBatch?.toFixed(1)} signals each on average`);
  const lost = outcry.acknowledged - outcry.counted;
  const duplicated = outcry.reports - outcry.distinctReports;
  console.log(lost === 0 && duplicated === 0 ? "0 lost, 0 double-counted" : `MISMATCH: ${lost} lost`);
  if (lost !== 0 || duplicated !== 0) process.exitCode = 1;
  curve.push({
    "api replicas": replicas,
    "bare req/s": Math.round(accepted(bare) / duration),
    "outcry req/s": Math.round(accepted(outcry.result) / duration),
    "outcry / bare": ratio.toFixed(2),
    "outcry p99 ms": outcry.result.latency.p99,
    "redis-server CPU": outcry.cpu["redis-server"] ?? "–",
    lost,
    duplicated,
  });
}
if (curve.length > 1) {
  console.log("\nScaling with api replicas:");
  console.table(curve);
}
