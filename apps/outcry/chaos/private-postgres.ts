import { execFile, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@outcry/testing";

const run = promisify(execFile);

/** Something the machine lacks for a chaos run: said in one line, without a stack. */
export class SetupError extends Error {
  override name = "SetupError";
}

/**
 * A PostgreSQL cluster of the chaos suite's own: initdb in a temporary folder, a free port on
 * 127.0.0.1, trust authentication. It is restarted mid-load with the cluster's own command, which
 * the shared server other tests use must never be.
 *
 * initdb and postgres refuse to run as root, so under root every command runs as the `postgres`
 * user (runuser), in a folder that user owns.
 */
export class PrivatePostgres {
  readonly port: number;
  readonly dir: string;
  readonly #bin: string;
  readonly #asUser: string | undefined;

  private constructor(port: number, dir: string, bin: string, asUser: string | undefined) {
    this.port = port;
    this.dir = dir;
    this.#bin = bin;
    this.#asUser = asUser;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = postgresBinDir();
    const asUser = process.getuid?.() === 0 ? "postgres" : undefined;
    const dir = mkdtempSync(join(tmpdir(), "outcry-chaos-postgres-"));
    const cluster = new PrivatePostgres(await freePort(), dir, bin, asUser);
    try {
      if (asUser) chownSync(dir, userId(asUser, "-u"), userId(asUser, "-g"));
      // No fsync while creating the cluster (nothing in it yet); the server itself fsyncs as usual.
      await cluster.#ctl("initdb", [
        "-D",
        cluster.#data,
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-sync",
      ]);
      const options = [
        `-p ${cluster.port}`,
        `-k ${dir}`,
        "-c listen_addresses=127.0.0.1",
        "-c max_connections=200",
      ].join(" ");
      await cluster.#ctl("pg_ctl", [
        "start",
        "-D",
        cluster.#data,
        "-l",
        cluster.#log,
        "-w",
        "-t",
        "30",
        "-o",
        options,
      ]);
    } catch (error) {
      cluster.destroySync();
      throw error;
    }
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get #data(): string {
    return join(this.dir, "data");
  }

  get #log(): string {
    return join(this.dir, "postgres.log");
  }

  /**
   * `pg_ctl restart -m fast`: open sessions are ended, the server shuts down cleanly and starts
   * again with the same options. Resolves once it accepts connections.
   */
  async restart(): Promise<void> {
    await this.#ctl("pg_ctl", ["restart", "-D", this.#data, "-l", this.#log, "-m", "fast", "-w", "-t", "30"]);
  }

  /** The last lines of the server's log, for a failure's message. */
  logTail(lines = 20): string {
    return existsSync(this.#log) ? readFileSync(this.#log, "utf8").split("\n").slice(-lines).join("\n") : "";
  }

  /**
   * Stops the server at once and deletes the cluster. Synchronous, so it also runs from an exit
   * handler. Safe to call twice.
   */
  destroySync(): void {
    if (existsSync(join(this.#data, "postmaster.pid"))) {
      const [command, args] = this.#command("pg_ctl", ["stop", "-D", this.#data, "-m", "immediate", "-w"]);
      spawnSync(command, args, { stdio: "ignore", timeout: 30_000 });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #ctl(program: string, args: string[]): Promise<void> {
    const [command, commandArgs] = this.#command(program, args);
    try {
      await run(command, commandArgs, { timeout: 60_000 });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(
        `${program} ${args[0]} failed: ${stderr || stdout || String(error)}\n${this.logTail()}`,
      );
    }
  }

  #command(program: string, args: string[]): [string, string[]] {
    const path = join(this.#bin, program);
    return this.#asUser ? [RUNUSER, ["-u", this.#asUser, "--", path, ...args]] : [path, args];
  }
}

/** runuser lives in an sbin folder, which a minimal PATH (a CI job's, cron's) leaves out. */
const RUNUSER =
  ["/usr/sbin/runuser", "/sbin/runuser"].find((candidate) => existsSync(candidate)) ?? "runuser";

/**
 * Where initdb and pg_ctl are: POSTGRES_BIN_DIR, else PATH, else Debian's versioned folders
 * (/usr/lib/postgresql/<version>/bin, the newest), which are not on PATH.
 */
export function postgresBinDir(): string {
  const candidates = [
    process.env.POSTGRES_BIN_DIR,
    ...(process.env.PATH ?? "").split(delimiter),
    ...debianPostgresBinDirs(),
  ].filter((dir): dir is string => Boolean(dir));
  const found = candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")));
  if (!found) {
    throw new SetupError(
      "the chaos suite runs a PostgreSQL cluster of its own and needs initdb and pg_ctl: install the " +
        "PostgreSQL server (Debian/Ubuntu: apt-get install postgresql) or set POSTGRES_BIN_DIR",
    );
  }
  return found;
}

function debianPostgresBinDirs(): string[] {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(root, version, "bin"));
}

function userId(user: string, flag: "-u" | "-g"): number {
  const result = spawnSync("id", [flag, user], { encoding: "utf8" });
  const id = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isInteger(id)) {
    throw new SetupError(`running as root, the chaos suite needs a "${user}" user to run PostgreSQL as`);
  }
  return id;
}
