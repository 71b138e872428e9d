import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { waitFor } from "@outcry/testing";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

/**
 * Every outcry started here and still running. A test run cut short (its output piped into
 * `head`, a Ctrl-C) exits without its afterAll; this stops them on the way out instead of leaving
 * them and their redis-servers behind. SIGTERM, so each stops its own redis-server too.
 */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGTERM");
});

/** Log lines kept per process: enough for a failure's message, bounded for a long chaos run. */
const KEPT_LINES = 5_000;

/**
 * A real `outcry` process, as an operator would run it, for tests and the chaos suite, which kill
 * and restart it.
 */
export class OutcryProcess {
  readonly process: ChildProcess;
  readonly output: string[] = [];
  apiUrl: string | undefined;
  /** Where its Prometheus metrics are: the api's, or the metrics server of a role without one. */
  metricsUrl: string | undefined;

  private constructor(args: string[], env: Record<string, string>) {
    this.process = spawn(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_REQUESTS: "false", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(this.process);
    this.process.once("exit", () => running.delete(this.process));
    for (const stream of [this.process.stdout, this.process.stderr]) {
      if (stream) keepLines(stream, this.output, KEPT_LINES);
    }
  }

  /** Starts `outcry start --role <role>` and waits until it says it is up. */
  static async start(role: string, env: Record<string, string>): Promise<OutcryProcess> {
    const outcry = new OutcryProcess(["start", "--role", role], { PORT: "0", ...env });
    const line = await waitFor(
      () => {
        if (outcry.exited) throw new Error(`outcry exited at start-up:\n${outcry.output.join("\n")}`);
        return outcry.output.find((entry) => entry.includes('"msg":"Outcry is'));
      },
      // A cold start migrates an embedded PGlite and trains the text model: seconds alone, but
      // three times that on a two-core machine running the other test files at once.
      { timeoutMs: 60_000, what: `outcry --role ${role} to start` },
    ).catch((error: Error) => {
      outcry.process.kill("SIGKILL");
      throw new Error(`${error.message}\n${outcry.output.join("\n")}`);
    });
    const started = JSON.parse(line);
    outcry.apiUrl = started.api;
    outcry.metricsUrl = started.metrics;
    return outcry;
  }

  /** Runs outcry with arguments to completion; resolves with its exit code. */
  static run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const outcry = new OutcryProcess(args, env);
    return new Promise((resolve) =>
      // "close", not "exit": once its output has been read to the end, last line included.
      outcry.process.once("close", (code) => resolve({ code, output: outcry.output.join("\n") })),
    );
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  /** Where /healthz and /readyz answer: the api's own port, or the metrics server's. */
  probeUrl(path: "/healthz" | "/readyz"): string {
    const base = this.apiUrl ?? (this.metricsUrl as string).replace(/\/metrics$/, "");
    return `${base}${path}`;
  }

  /** Sends a signal and waits for the process to end; resolves with its exit code. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.exited) return this.process.exitCode;
    const exited = new Promise<number | null>((resolve) =>
      this.process.once("exit", (code) => resolve(code)),
    );
    this.process.kill(signal);
    return exited;
  }
}

/**
 * Appends each whole line the stream writes to `lines`, keeping the last `max`. Whole lines: a pipe
 * hands over chunks that may end mid-line (a long log line with a stack trace), and a chunk split
 * into lines as it comes would cut such a line in two.
 */
export function keepLines(stream: NodeJS.ReadableStream, lines: string[], max: number): void {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
    if (!line) return;
    lines.push(line);
    if (lines.length > max) lines.splice(0, lines.length - max);
  });
}
