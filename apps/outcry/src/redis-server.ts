import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { durableRedisServerArgs } from "@outcry/queue";
import { Redis } from "ioredis";
import type { Logger } from "pino";

export class RedisServerMissingError extends Error {
  override name = "RedisServerMissingError";
  constructor(bin: string) {
    super(
      `redis-server was not found (REDIS_SERVER_BIN=${bin}). Outcry needs Redis 6.2 or newer. Either install it ` +
        "(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) " +
        "or point REDIS_URL at a Redis you run.",
    );
  }
}

/** Another running outcry supervises the redis-server of this data folder. */
export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
  constructor(dir: string, owner: number) {
    super(
      `the data folder's redis-server (${dir}) belongs to another outcry that is running (pid ${owner}). ` +
        "Give each process its own DATA_DIR, or run one Redis and point every process at it with REDIS_URL.",
    );
  }
}

export interface SupervisedRedis {
  readonly url: string;
  readonly dir: string;
  /** Stops the server (it rewrites nothing: the AOF is already on disk). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs a private redis-server for the quickstart and keeps it running: data (AOF, fsync on every
 * write, so an acknowledged report survives a crash of Redis itself) lives in the data folder; a
 * crash is restarted on the same port, so clients reconnect by themselves.
 */
export async function startSupervisedRedis(options: {
  bin: string;
  dataDir: string;
  logger: Logger;
}): Promise<SupervisedRedis> {
  const logger = options.logger.child({ component: "redis-server" });
  const dir = resolve(options.dataDir, "redis");
  mkdirSync(dir, { recursive: true });
  // Whose redis-server this folder's is: a running owner keeps it, a dead one left it over.
  const ownerFile = join(dir, "owner.pid");
  const pidFile = join(dir, "redis.pid");
  const owner = readPid(ownerFile);
  const server = readPid(pidFile);
  if (owner && server && isAlive(owner) && isRedisServer(server)) throw new DataDirInUseError(dir, owner);
  await stopLeftover(pidFile, logger);
  writeFileSync(ownerFile, `${process.pid}\n`);

  const port = await freePort();
  const args = [
    ...durableRedisServerArgs({ port, dir }),
    ...["--daemonize", "no", "--pidfile", join(dir, "redis.pid"), "--logfile", join(dir, "redis.log")],
  ];
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;

  const launch = () =>
    new Promise<ChildProcess>((resolveLaunch, reject) => {
      const proc = spawn(options.bin, args, { stdio: "ignore" });
      proc.once("error", (error: NodeJS.ErrnoException) =>
        reject(error.code === "ENOENT" ? new RedisServerMissingError(options.bin) : error),
      );
      proc.once("spawn", () => resolveLaunch(proc));
      proc.once("exit", (code, signal) => {
        if (stopping || child !== proc) return;
        restarts += 1;
        const delay = Math.min(10_000, 250 * 2 ** Math.min(restarts, 6));
        logger.error({ code, signal, restartInMs: delay }, "redis-server exited; restarting");
        setTimeout(() => {
          if (stopping) return;
          launch()
            .then((next) => {
              child = next;
            })
            .catch((error) => logger.error({ err: error }, "redis-server restart failed"));
        }, delay).unref();
      });
    });

  child = await launch();
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url, child, join(dir, "redis.log"));
  logger.info({ url, dir }, "redis-server started");

  let stopped: Promise<void> | undefined;
  return {
    url,
    dir,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        const proc = child;
        rmSync(ownerFile, { force: true });
        if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = new Promise<void>((done) => proc.once("exit", () => done()));
        proc.kill("SIGTERM");
        const killer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(killer);
      })();
      return stopped;
    },
  };
}

async function waitForPing(url: string, proc: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      const tail = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-5).join("\n") : "";
      throw new Error(`redis-server exited with code ${proc.exitCode} at start-up:\n${tail}`);
    }
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {}); // refused until the server listens; connect() reports it
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    await sleep(50);
  }
  throw new Error(`redis-server did not answer at ${url} within 15 s`);
}

/** A previous run killed without cleanup can leave its redis-server holding the data folder. */
async function stopLeftover(pidFile: string, logger: Logger): Promise<void> {
  const pid = readPid(pidFile);
  if (!pid || !isRedisServer(pid)) return;
  logger.warn({ pid }, "stopping a redis-server left over from a previous run");
  process.kill(pid, "SIGTERM");
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 100) await sleep(100);
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isRedisServer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("redis-server");
  } catch {
    // No /proc (macOS): the pid may belong to anything by now, so leave it alone.
    return false;
  }
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}
