// What polling official sources costs: N fake Statuspages (in a child process, on several local
// hosts) read by the real OfficialPoller every interval, changes stored in a real Postgres. Reports
// the poller process's CPU (user + system, all threads) as a share of one core, over the whole run
// and over the steady state after the first round of full reads.
//   pnpm bench:official [--sources 500] [--interval 60] [--seconds 180] [--hosts 10] [--churn 0.05]
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { CatalogIndex, Service } from "@outcry/core";
import { openDatabase } from "@outcry/db";
import { createTestDatabase } from "@outcry/testing";
import { pino } from "pino";
import { Registry } from "prom-client";
import { createOfficialMetrics } from "../src/official-metrics.ts";
import { OfficialPoller } from "../src/official-poller.ts";

const { values } = parseArgs({
  options: {
    sources: { type: "string", default: "500" },
    interval: { type: "string", default: "60" },
    seconds: { type: "string", default: "180" },
    hosts: { type: "string", default: "10" },
    churn: { type: "string", default: "0.05" },
    "host-interval-ms": { type: "string", default: "100" },
  },
});
const sources = Number(values.sources);
const intervalMs = Number(values.interval) * 1000;
const seconds = Number(values.seconds);
const hosts = Number(values.hosts);
const churnShare = Number(values.churn);
const hostIntervalMs = Number(values["host-interval-ms"]);

const fake = fork(new URL("./fake-statuspage-process.ts", import.meta.url), { stdio: "inherit" });
fake.send({ pages: sources, hosts, churnShare, churnMs: intervalMs });
const { urls } = await new Promise<{ urls: string[] }>((resolve) => fake.once("message", resolve as never));

const testDatabase = await createTestDatabase();
const database = await openDatabase({ url: testDatabase.url, dataDir: "unused", maxConnections: 4 });
await database.migrate();

const services = urls.map((url, index) =>
  Service.parse({
    slug: `bench-${index}`,
    name: `Bench ${index}`,
    category: "other",
    aliases: [`bench service ${index}`],
    problems: [{ id: "app", label: "App" }],
    official: [{ kind: "statuspage", url }],
  }),
);
const catalog = new CatalogIndex(services);
const registry = new Registry();
const poller = new OfficialPoller({
  db: database.db,
  catalog: () => catalog,
  intervalMs,
  hostIntervalMs,
  staleMs: 15 * 60_000,
  blueskyService: "http://127.0.0.1:9",
  logger: pino({ level: "warn" }),
  metrics: createOfficialMetrics(registry),
});

const started = performance.now();
const cpuStart = process.cpuUsage();
let steady: { at: number; cpu: NodeJS.CpuUsage } | undefined;
poller.start();
const sample = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values ?? [];
while (performance.now() - started < seconds * 1000) {
  await sleep(1_000);
  if (!steady && performance.now() - started >= intervalMs) {
    steady = { at: performance.now(), cpu: process.cpuUsage() };
  }
}
const cpuEnd = process.cpuUsage();
const ended = performance.now();
await poller.close();

const polls = await sample("outcry_official_polls_total");
const byResult = new Map<string, number>();
for (const value of polls)
  byResult.set(String(value.labels.result), (byResult.get(String(value.labels.result)) ?? 0) + value.value);
const changes = (await sample("outcry_official_changes_total")).reduce((sum, value) => sum + value.value, 0);
const durations = await sample("outcry_official_poll_duration_seconds");
// A histogram's values carry their series' name (_bucket, _sum, _count) at run time.
const named = (suffix: string) =>
  durations.find((value) => (value as { metricName?: string }).metricName?.endsWith(suffix))?.value ?? 0;
const sum = named("_sum");
const count = named("_count");

const share = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage, ms: number) =>
  (((to.user - from.user + to.system - from.system) / 1000 / ms) * 100).toFixed(2);

const rows = [
  ["sources", String(sources)],
  ["hosts (fake servers)", String(hosts)],
  ["interval", `${intervalMs / 1000} s`],
  ["run", `${((ended - started) / 1000).toFixed(0)} s`],
  ["readings: full (200)", String(byResult.get("ok") ?? 0)],
  ["readings: not modified (304)", String(byResult.get("not_modified") ?? 0)],
  [
    "readings: failed",
    String(
      [...byResult]
        .filter(([result]) => result !== "ok" && result !== "not_modified")
        .reduce((a, [, n]) => a + n, 0),
    ),
  ],
  ["changes recorded", String(changes)],
  ["mean reading time", count > 0 ? `${((sum / count) * 1000).toFixed(1)} ms` : "-"],
  ["CPU, whole run (% of one core)", `${share(cpuStart, cpuEnd, ended - started)} %`],
  [
    "CPU, steady state after the first round (% of one core)",
    steady ? `${share(steady.cpu, cpuEnd, ended - steady.at)} %` : "run longer than one interval",
  ],
];
const width = Math.max(...rows.map(([label]) => (label as string).length));
console.log(`\n| ${"measure".padEnd(width)} | value |\n| ${"-".repeat(width)} | ----: |`);
for (const [label, value] of rows) console.log(`| ${(label as string).padEnd(width)} | ${value} |`);

fake.send("close");
await new Promise((resolve) => fake.once("message", resolve));
await database.close();
await testDatabase.drop();
