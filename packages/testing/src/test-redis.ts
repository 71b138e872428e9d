import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { waitFor } from "./wait-for.ts";

/** The shared Redis tests use, each under a key prefix of its own. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key and queue prefix no other test uses. */
export function uniquePrefix(label = "test"): string {
  return `${label}-${randomBytes(6).toString("hex")}`;
}

/** Deletes every key under `prefix` (BullMQ queues included). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * A redis-server of a test's own, for tests that stop, kill or restart Redis: the shared one must
 * stay up for everyone else. The caller gives its settings (Outcry's durableRedisServerArgs, to
 * run it as Outcry runs its own).
 */
export type RedisServerArgs = (options: { port: number; dir: string }) => string[];

export class PrivateRedis {
  readonly port: number;
  readonly dir: string;
  readonly #args: RedisServerArgs;
  #process: ChildProcess | undefined;

  private constructor(port: number, dir: string, args: RedisServerArgs) {
    this.port = port;
    this.dir = dir;
    this.#args = args;
  }

  static async start(args: RedisServerArgs): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), mkdtempSync(join(tmpdir(), "outcry-redis-")), args);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on the same port and data, and waits until it answers. */
  async restart(): Promise<void> {
    this.#process = spawn("redis-server", this.#args({ port: this.port, dir: this.dir }), {
      stdio: "ignore",
    });
    await waitFor(() => ping(this.url), { timeoutMs: 10_000, what: "private redis-server to answer" });
  }

  /** kill -9: no chance to flush anything that was not already on disk. */
  async kill(): Promise<void> {
    await this.#stop("SIGKILL");
  }

  async stop(): Promise<void> {
    await this.#stop("SIGTERM");
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #stop(signal: NodeJS.Signals): Promise<void> {
    const proc = this.#process;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill(signal);
    await exited;
  }
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
