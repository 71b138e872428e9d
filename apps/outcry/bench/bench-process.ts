// Child processes for benchmarks: started from a script, ready when a JSON log line says so.
import { type ChildProcess, spawn } from "node:child_process";

export interface Started {
  proc: ChildProcess;
  line: Record<string, unknown>;
}

/** Spawns `node <args>` and resolves with the first JSON stdout line that `ready` accepts. */
export function startProcess(
  args: string[],
  env: Record<string, string>,
  ready: (line: Record<string, unknown>) => boolean,
): Promise<Started> {
  return new Promise<Started>((resolve, reject) => {
    const proc = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buffer = "";
    proc.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n")) {
        const text = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          const line = JSON.parse(text);
          if (ready(line)) resolve({ proc, line });
        } catch {
          // not a log line
        }
      }
    });
    proc.once("exit", (code) =>
      reject(new Error(`${args.join(" ")} exited with ${code} before it was ready`)),
    );
  });
}

export function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill("SIGTERM");
  });
}

/** An `outcry start` process is up once it logs "Outcry is …". */
export const outcryIsUp = (line: Record<string, unknown>) =>
  typeof line.msg === "string" && line.msg.startsWith("Outcry is");
