import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./test-redis.ts";
import { waitFor } from "./wait-for.ts";

/** Where Debian's package puts it (/usr/sbin is not on every user's PATH). */
const CANDIDATES = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"];

/**
 * A PgBouncer of a test's own in transaction mode, on a free port in front of the shared Postgres:
 * every transaction may get another server connection, so code that relies on session state
 * (session advisory locks, named prepared statements, SET) breaks through it. Its pool is kept
 * smaller than the clients' so connections really are shared.
 */
export class PrivatePgBouncer {
  readonly port: number;
  readonly #process: ChildProcess;
  readonly #dir: string;
  readonly #log: string[];

  private constructor(port: number, process: ChildProcess, dir: string, log: string[]) {
    this.port = port;
    this.#process = process;
    this.#dir = dir;
    this.#log = log;
  }

  /** Starts it in front of the server of `upstreamUrl` (any database there, same credentials). */
  static async start(upstreamUrl: string, options: { poolSize?: number } = {}): Promise<PrivatePgBouncer> {
    const bin = pgbouncerBinary();
    const upstream = new URL(upstreamUrl);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "outcry-pgbouncer-"));
    const server = [
      `host=${upstream.hostname}`,
      `port=${upstream.port || "5432"}`,
      `user=${decodeURIComponent(upstream.username || "postgres")}`,
      ...(upstream.password ? [`password=${decodeURIComponent(upstream.password)}`] : []),
    ].join(" ");
    const config = join(dir, "pgbouncer.ini");
    writeFileSync(
      config,
      [
        "[databases]",
        // Any database name a client asks for, on the upstream server, as its user.
        `* = ${server}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        "unix_socket_dir =",
        // Clients are not checked; the server login is the one above.
        "auth_type = any",
        "pool_mode = transaction",
        `default_pool_size = ${options.poolSize ?? 2}`,
        "max_client_conn = 200",
        "server_reset_query =",
        "",
      ].join("\n"),
      { mode: 0o644 },
    );
    // PgBouncer refuses to run as root; as root (CI), it drops to nobody.
    const asUser = process.getuid?.() === 0 ? ["-u", "nobody"] : [];
    const child = spawn(bin, [...asUser, config], { stdio: ["ignore", "pipe", "pipe"] });
    const log: string[] = [];
    child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    const bouncer = new PrivatePgBouncer(port, child, dir, log);
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`pgbouncer exited: ${log.join("")}`);
          return accepts(port);
        },
        { what: `pgbouncer on port ${port}`, timeoutMs: 10_000 },
      );
    } catch (error) {
      await bouncer.stop();
      throw new Error(`pgbouncer did not start:\n${log.join("")}`, { cause: error });
    }
    return bouncer;
  }

  /** `url` (a database on the upstream server) rewritten to go through this PgBouncer. */
  url(url: string): string {
    const through = new URL(url);
    through.hostname = "127.0.0.1";
    through.port = String(this.port);
    return through.toString();
  }

  /** What it logged, for a failing test's message. */
  get log(): string {
    return this.#log.join("");
  }

  async stop(): Promise<void> {
    if (this.#process.exitCode === null && this.#process.signalCode === null) {
      const exited = new Promise((resolve) => this.#process.once("exit", resolve));
      this.#process.kill("SIGTERM");
      const forced = setTimeout(() => this.#process.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(forced);
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** The pgbouncer binary, or a failure saying how to get one: these tests fail without it, never skip. */
function pgbouncerBinary(): string {
  const candidates = [
    ...(process.env.PGBOUNCER_BIN ? [process.env.PGBOUNCER_BIN] : []),
    ...(process.env.PATH ?? "").split(":").map((dir) => join(dir, "pgbouncer")),
    ...CANDIDATES,
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new Error(
    "pgbouncer is not installed: the PgBouncer tests need it (Debian: apt-get install pgbouncer; .ci/run installs it), or set PGBOUNCER_BIN",
  );
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
