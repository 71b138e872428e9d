import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@outcry/testing";
import { pino } from "pino";
import postgres from "postgres";
import { type SupervisedRedis, startSupervisedRedis } from "../src/redis-server.ts";
import { OutcryProcess } from "./outcry-process.ts";
import { PrivatePostgres } from "./private-postgres.ts";

export type ChaosRole = "api" | "aggregator" | "ingest";

/** One replica of a role: the process running it now, replaced when it is restarted. */
export interface Replica {
  readonly name: string;
  readonly role: ChaosRole;
  process: OutcryProcess;
  /** Set while the suite kills it on purpose, so the exit is not taken for a crash. */
  killing: boolean;
}

/** The replicas of a run: two api and two aggregator processes, and one ingest. */
const LAYOUT: ReadonlyArray<{ name: string; role: ChaosRole }> = [
  { name: "api 1", role: "api" },
  { name: "api 2", role: "api" },
  { name: "aggregator 1", role: "aggregator" },
  { name: "aggregator 2", role: "aggregator" },
  { name: "ingest", role: "ingest" },
];

/** Reports one address may send a minute: set for the run, so the flood knows where the limit is. */
export const CHAOS_RATE_LIMIT_PER_MINUTE = 10;

/** Key prefix of the run's queues in its own Redis. */
export const QUEUE_PREFIX = "chaos";

/**
 * Outcry as separate processes on this machine, on a Postgres cluster and a redis-server of its
 * own (temporary folders, free ports), so both can be restarted without touching anything else.
 * Whatever started is stopped and deleted by close(), however far start() got.
 */
export class ChaosSystem {
  readonly replicas: Replica[] = [];
  /** Processes started beside the replicas for one check, stopped with the rest. */
  readonly #extras: OutcryProcess[] = [];
  /** Crashes the suite did not cause, each restarted at once; any of them fails the run. */
  readonly unexpectedExits: string[] = [];
  postgres: PrivatePostgres | undefined;
  redis: SupervisedRedis | undefined;
  sql: postgres.Sql | undefined;
  readonly #dataDir = mkdtempSync(join(tmpdir(), "outcry-chaos-"));
  readonly #apiPorts = new Map<string, number>();
  readonly #progress: (line: string) => void;
  #closing = false;

  constructor(progress: (line: string) => void) {
    this.#progress = progress;
  }

  /** Starts the stores, then every replica at once (they share the migration through a lock). */
  async start(): Promise<void> {
    this.postgres = await PrivatePostgres.start();
    this.#progress(`postgres: private cluster on port ${this.postgres.port} (${this.postgres.dir})`);
    // The quickstart's supervised redis-server (AOF, fsync always): it restarts itself after a crash.
    this.redis = await startSupervisedRedis({
      bin: process.env.REDIS_SERVER_BIN ?? "redis-server",
      dataDir: this.#dataDir,
      logger: pino({ level: "silent" }),
    });
    this.#progress(`redis: supervised redis-server at ${this.redis.url} (AOF in ${this.redis.dir})`);
    this.sql = postgres(this.postgres.url, { max: 4, onnotice: () => {}, connect_timeout: 5 });
    for (const { name, role } of LAYOUT) if (role === "api") this.#apiPorts.set(name, await freePort());
    const started = await Promise.allSettled(LAYOUT.map(({ name, role }) => this.#launch(name, role)));
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  }

  get apiUrls(): string[] {
    return this.byRole("api").map((replica) => replica.process.apiUrl as string);
  }

  byRole(role: ChaosRole): Replica[] {
    return this.replicas.filter((replica) => replica.role === role);
  }

  replica(name: string): Replica {
    const replica = this.replicas.find((candidate) => candidate.name === name);
    if (!replica) throw new Error(`no replica named ${name}`);
    return replica;
  }

  /** kill -9; resolves once the process is gone. */
  async kill(replica: Replica): Promise<void> {
    replica.killing = true;
    await replica.process.stop("SIGKILL");
  }

  /** Starts a killed replica again, as a supervisor would; resolves once it says it is up. */
  async restart(replica: Replica): Promise<void> {
    await this.#launch(replica.name, replica.role);
    replica.killing = false;
  }

  /** One more process of a role with settings of its own, outside the faults; stopped by close(). */
  async startExtra(role: ChaosRole, env: Record<string, string>): Promise<OutcryProcess> {
    const outcry = await OutcryProcess.start(role, { ...this.env(), ...env });
    this.#extras.push(outcry);
    if (this.#closing) await outcry.stop("SIGKILL");
    return outcry;
  }

  /** Every process started, replicas first: whose logs a check reads. */
  get processes(): OutcryProcess[] {
    return [...this.replicas.map((replica) => replica.process), ...this.#extras];
  }

  /** kill -9 of the redis-server; its supervisor starts it again on the same port and AOF. */
  killRedis(): void {
    const pid = this.#redisPid();
    if (pid) process.kill(pid, "SIGKILL");
  }

  /** Whether every replica answers /readyz: its Postgres and Redis are both back. */
  async allReady(): Promise<boolean> {
    const ready = await Promise.all(
      this.replicas.map((replica) => answers(replica.process.probeUrl("/readyz"))),
    );
    return ready.every(Boolean);
  }

  /** Stops every process and deletes every folder this run made. Safe to call twice. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.processes.map((outcry) => outcry.stop("SIGKILL")));
    await this.sql?.end({ timeout: 1 }).catch(() => {});
    await this.redis?.stop();
    this.closeSync();
  }

  /** What close() does, without waiting: for an exit handler, where nothing can be awaited. */
  closeSync(): void {
    this.#closing = true;
    for (const outcry of this.processes) if (!outcry.exited) outcry.process.kill("SIGKILL");
    const redisPid = this.#redisPid();
    if (redisPid) process.kill(redisPid, "SIGKILL");
    this.postgres?.destroySync();
    rmSync(this.#dataDir, { recursive: true, force: true });
  }

  async #launch(name: string, role: ChaosRole): Promise<void> {
    const port = this.#apiPorts.get(name);
    const outcry = await OutcryProcess.start(role, {
      ...this.env(),
      ...(port ? { PORT: String(port) } : {}),
    });
    // A restart that finished while the run was being stopped must not outlive it.
    if (this.#closing) {
      await outcry.stop("SIGKILL");
      return;
    }
    let replica = this.replicas.find((existing) => existing.name === name);
    if (replica) replica.process = outcry;
    else {
      replica = { name, role, process: outcry, killing: false };
      this.replicas.push(replica);
    }
    const current = replica;
    outcry.process.once("exit", (code, signal) => {
      if (this.#closing || current.killing || current.process !== outcry) return;
      const tail = outcry.output.slice(-5).join("\n");
      this.unexpectedExits.push(`${name} exited by itself (code ${code}, signal ${signal}):\n${tail}`);
      this.#progress(`${name} exited by itself (code ${code}, signal ${signal}); restarting it`);
      this.#launch(name, role).catch((error) =>
        this.unexpectedExits.push(`${name}: restart failed: ${error}`),
      );
    });
  }

  /** The settings every process of the run shares: its stores, and everything off that needs a network. */
  env(): Record<string, string> {
    return {
      DATABASE_URL: this.postgres?.url as string,
      REDIS_URL: this.redis?.url as string,
      QUEUE_PREFIX,
      DATA_DIR: this.#dataDir,
      // Every simulated reporter has an address of its own, sent in X-Forwarded-For.
      TRUST_PROXY: "1",
      RATE_LIMIT_PER_MINUTE: String(CHAOS_RATE_LIMIT_PER_MINUTE),
      // Replicas must agree on reporter keys, or a reporter could be counted once per replica.
      REPORTER_KEY_SECRET: "chaos-suite-reporter-key-secret",
      // A batch held by a killed aggregator comes back after 5 s rather than the default 30.
      AGGREGATOR_LOCK_MS: "5000",
      // No network: ingest runs with Bluesky and the official sources off.
      BLUESKY_JETSTREAM_URL: "off",
      BLUESKY_SEARCH_INTERVAL_SECONDS: "0",
      OFFICIAL_POLL_INTERVAL_SECONDS: "0",
    };
  }

  /** The running redis-server's pid; its pid file outlives a kill -9, so the process is checked. */
  #redisPid(): number | undefined {
    const file = this.redis ? join(this.redis.dir, "redis.pid") : undefined;
    if (!file || !existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("redis-server") ? pid : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Whether a probe answers 200 within a second. */
export async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
