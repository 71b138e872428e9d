// The live path end to end against a Jetstream-compatible fake (in a worker thread): frames in,
// text pipeline, complaints queued in Redis, cursor saved in Postgres. Compared with a bare `ws`
// client that only parses each frame, in the same run at the same rate:
//   pnpm bench:jetstream [--rate 5000] [--seconds 30]
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { loadSeedCatalog } from "@outcry/core";
import { loadIngestCursor, openDatabase, saveIngestCursor } from "@outcry/db";
import { createProducerRedis, createSignalsQueue, redisReady, SignalBatcher } from "@outcry/queue";
import { createTestDatabase, deleteRedisPrefix, TEST_REDIS_URL, uniquePrefix } from "@outcry/testing";
import { trainedPipeline } from "@outcry/text";
import { pino } from "pino";
import { Registry } from "prom-client";
import WebSocket from "ws";
import { createIngestMetrics } from "../src/ingest-metrics.ts";
import { JetstreamClient } from "../src/jetstream-client.ts";
import { PostCollector } from "../src/post-collector.ts";

const { values } = parseArgs({
  options: { rate: { type: "string", default: "5000" }, seconds: { type: "string", default: "30" } },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const count = rate * seconds;

interface Run {
  name: string;
  received: number;
  perSecond: number;
  lags: number[];
  busy: number;
}

async function startFake(): Promise<{ worker: Worker; url: string }> {
  const worker = new Worker(new URL("./fake-jetstream-worker.ts", import.meta.url));
  const url = await new Promise<string>((resolve) =>
    worker.once("message", (message) => resolve(message.url)),
  );
  return { worker, url };
}

function stream(worker: Worker): Promise<void> {
  worker.postMessage({ count, perSecond: rate });
  return new Promise((resolve) => worker.once("message", () => resolve()));
}

async function stopFake(worker: Worker): Promise<void> {
  worker.postMessage("close");
  await new Promise((resolve) => worker.once("message", resolve));
  await worker.terminate();
}

/** Samples, four times a second, how far behind the consumer is (now minus the last time_us read). */
async function measure(
  name: string,
  lastTimeUs: () => number,
  received: () => number,
  streaming: Promise<void>,
): Promise<Run> {
  const lags: number[] = [];
  const started = performance.now();
  const loopBefore = performance.eventLoopUtilization();
  let done = false;
  void streaming.then(() => {
    done = true;
  });
  let firstAt = 0;
  let lastAt = 0;
  let receivedAtFirst = 0;
  let receivedAtLast = 0;
  while (!done || received() < count) {
    await sleep(250);
    if (received() > 0 && firstAt === 0) {
      firstAt = performance.now();
      receivedAtFirst = received();
    }
    // Done when everything arrived, or nothing more came for two seconds after the stream ended.
    if (received() >= count || (done && received() === receivedAtLast && performance.now() - lastAt > 2_000))
      break;
    if (received() === receivedAtLast && lastAt > 0) continue;
    lastAt = performance.now();
    receivedAtLast = received();
    // Sampled only while events flow: after the last one, "now minus its time" is idleness, not lag.
    if (lastTimeUs() > 0) lags.push(Date.now() - lastTimeUs() / 1000);
    if (performance.now() - started > (seconds + 60) * 1000) break;
  }
  const busy = performance.eventLoopUtilization(loopBefore).utilization;
  const perSecond = (receivedAtLast - receivedAtFirst) / ((lastAt - firstAt) / 1000);
  return { name, received: received(), perSecond, lags, busy };
}

async function bare(): Promise<Run> {
  const { worker, url } = await startFake();
  let received = 0;
  let last = 0;
  const socket = new WebSocket(`${url}?wantedCollections=app.bsky.feed.post`, { perMessageDeflate: false });
  socket.on("message", (data) => {
    last = (JSON.parse(String(data)) as { time_us: number }).time_us;
    received++;
  });
  await new Promise((resolve) => socket.once("open", resolve));
  const run = await measure(
    "bare ws client (JSON.parse only)",
    () => last,
    () => received,
    stream(worker),
  );
  socket.terminate();
  await stopFake(worker);
  return run;
}

async function ingest(): Promise<Run & { matched: number; queued: number }> {
  const { worker, url } = await startFake();
  const testDatabase = await createTestDatabase();
  const database = await openDatabase({ url: testDatabase.url, dataDir: "unused" });
  await database.migrate();
  const prefix = uniquePrefix("bench-jetstream");
  const redis = createProducerRedis(TEST_REDIS_URL);
  await redisReady(redis);
  const queue = createSignalsQueue(redis, prefix);
  const batcher = new SignalBatcher(queue, { maxInFlight: 1, maxSize: 500 });
  const registry = new Registry();
  const metrics = createIngestMetrics(registry);
  const collector = new PostCollector(trainedPipeline(loadSeedCatalog()), batcher, metrics);
  let received = 0;
  let last = 0;
  let queued = 0;
  const client = new JetstreamClient({
    url,
    loadCursor: () => loadIngestCursor(database.db, "bench"),
    saveCursor: (cursor) => saveIngestCursor(database.db, "bench", cursor),
    onPost: (post) => {
      received++;
      last = post.seenAt * 1000;
      const handedOn = collector.collect(post, "jetstream");
      return handedOn?.then(() => {
        queued++;
      });
    },
    logger: pino({ level: "warn" }),
    metrics,
  });
  client.start();
  await sleep(500);
  const run = await measure(
    "outcry ingest (pipeline + queue)",
    () => last,
    () => received,
    stream(worker),
  );
  await client.close();
  await batcher.close();
  const matched = (await registry.getSingleMetric("outcry_ingest_posts_total")?.get())?.values.find(
    (value) => value.labels.result === "matched",
  )?.value;
  await queue.close();
  await redis.quit();
  await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  await database.close();
  await testDatabase.drop();
  await stopFake(worker);
  return { ...run, matched: matched ?? 0, queued };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
};

console.log(`machine: ${cpus()[0]?.model ?? "unknown"} x ${cpus().length}, node ${process.version}`);
console.log(
  `${count.toLocaleString("en")} posts at ${rate.toLocaleString("en")}/s (${seconds} s); the fake runs in a worker thread\n`,
);
const runs = [await bare(), await ingest()];
console.log("consumer                            events/s   lag p50   lag p95   lag max   main thread busy");
for (const run of runs) {
  const ms = (value: number) => `${Math.round(value)} ms`.padStart(9);
  console.log(
    `${run.name.padEnd(34)} ${Math.round(run.perSecond).toLocaleString("en").padStart(9)}  ${ms(percentile(run.lags, 0.5))} ${ms(percentile(run.lags, 0.95))} ${ms(Math.max(...run.lags))}   ${(100 * run.busy).toFixed(0)}%`,
  );
}
const last = runs[1] as Awaited<ReturnType<typeof ingest>>;
const lags = last.lags;
const firstHalf = lags.slice(0, Math.floor(lags.length / 2));
const secondHalf = lags.slice(Math.floor(lags.length / 2));
console.log(
  `\ningest: ${last.received.toLocaleString("en")} received, ${last.matched} matched, ${last.queued} queued in Redis`,
);
console.log(
  `lag, first half vs second half (median): ${Math.round(percentile(firstHalf, 0.5))} ms vs ${Math.round(percentile(secondHalf, 0.5))} ms`,
);
