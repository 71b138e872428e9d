import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@outcry/testing";
import { describe, expect, it } from "vitest";
import { OutcryProcess } from "../chaos/outcry-process.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

/** Runs outcry with `input` on stdin; resolves with its exit code, stdout and stderr. */
function runWithInput(
  args: string[],
  input: string,
  env?: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      ...(env ? { env: { PATH: process.env.PATH ?? "", ...env } } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("outcry detect-csv", () => {
  it("scores a CSV from stdin, row for row, with a spike scored highest", async () => {
    const start = Date.parse("2025-01-01T00:00:00Z");
    const rows = Array.from({ length: 400 }, (_, i) => {
      const stamp = new Date(start + i * 600_000).toISOString().replace("T", " ").slice(0, 19);
      return `${stamp},${i === 390 ? 500 : 10 + (i % 3)}`;
    });
    const { code, stdout } = await runWithInput(["detect-csv"], `timestamp,value\n${rows.join("\n")}\n`);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe("timestamp,value,anomaly_score");
    expect(lines).toHaveLength(401);
    const scores = lines.slice(1).map((line) => Number(line.split(",")[2]));
    expect(lines[391]).toMatch(/^2025-01-03 17:00:00,500,1\.000000$/);
    expect(Math.max(...scores.slice(0, 390))).toBeLessThan(0.5);
    expect(scores.every((score) => score >= 0 && score <= 1)).toBe(true);
  });

  it("names the line of a bad row and exits non-zero", async () => {
    const { code, stderr } = await runWithInput(
      ["detect-csv"],
      "timestamp,value\n2025-01-01 00:00:00,1\n2025-01-01 00:01:00,many\n",
    );
    expect(code).toBe(1);
    expect(stderr).toContain('line 3: value "many" is not a number');
  });
});

describe("outcry eval detection", () => {
  it("prints the evaluation with its totals", async () => {
    const { code, output } = await OutcryProcess.run(["eval", "detection"], {});
    expect(code).toBe(0);
    expect(output).toContain("### spotify-2025-04-16");
    expect(output).toMatch(/\| recall \| 1 \(\d+ of \d+\) \|/);
  });
});

describe("outcry keys", () => {
  it("creates a key printed once, lists it without its secret, and revokes it", async () => {
    const database = await createTestDatabase();
    try {
      const env = { DATABASE_URL: database.url, LOG_LEVEL: "silent" };
      const created = await runWithInput(
        ["keys", "create", "--name", "ops", "--scope", "catalog:write"],
        "",
        env,
      );
      expect(created.code).toBe(0);
      const key = created.stdout.trim();
      expect(key).toMatch(/^ocy_/);
      const id = created.stderr.match(/key ([0-9a-f-]{36})/)?.[1];
      expect(id).toBeDefined();

      const listed = await runWithInput(["keys", "list"], "", env);
      expect(listed.stdout).toContain(`${id}  ${key.slice(0, 10)}…  ops  [catalog:write]  live`);
      expect(listed.stdout).not.toContain(key);

      expect((await runWithInput(["keys", "revoke", id ?? ""], "", env)).code).toBe(0);
      expect((await runWithInput(["keys", "list"], "", env)).stdout).toContain("revoked");
      const again = await runWithInput(["keys", "revoke", id ?? ""], "", env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("no live key");
      const bad = await runWithInput(["keys", "create", "--name", "x", "--scope", "root"], "", env);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('unknown scope "root"');
    } finally {
      await database.drop();
    }
  });
});
