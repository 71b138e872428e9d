import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { body, TEST_REDIS_URL, uniquePrefix, waitFor } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutcryProcess } from "../chaos/outcry-process.ts";
import { isAlive } from "../src/redis-server.ts";

// The README's first command: no DATABASE_URL, no REDIS_URL. PGlite in the data folder and a
// supervised redis-server of its own.
describe("outcry start on embedded defaults", () => {
  let dataDir: string;
  let outcry: OutcryProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "outcry-quickstart-"));
    outcry = await OutcryProcess.start("all", { DATA_DIR: dataDir });
  });

  afterAll(async () => {
    await outcry.stop("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  const redisPid = () => Number(readFileSync(join(dataDir, "redis", "redis.pid"), "utf8"));

  it("says where it listens and what it is connected to", () => {
    const line = outcry.output.find((entry) => entry.includes("Outcry is listening"));
    expect(JSON.parse(line ?? "{}")).toMatchObject({
      role: "all",
      database: expect.stringContaining("pglite"),
      redis: expect.stringContaining("supervised redis-server"),
    });
  });

  // Two seconds to be counted, plus the api's one-second response cache (RESPONSE_CACHE_MS).
  it("counts a report in its minute, for its region and globally, within three seconds", async () => {
    const response = await fetch(`${outcry.apiUrl}/v1/reports`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: "spotify", problem: "login", region: "GB" }),
    });
    expect(response.status).toBe(202);
    const { receivedAt } = await body(response);
    const minute = `${receivedAt.slice(0, 16)}:00.000Z`;
    const countAt = async (query: string) => {
      const series = await body(fetch(`${outcry.apiUrl}/v1/services/spotify/series?step=1m${query}`));
      return series.points.find((point: { t: string }) => point.t === minute)?.count;
    };
    await waitFor(async () => (await countAt("")) === 1, { timeoutMs: 3_000, what: "the global count" });
    expect(await countAt("&region=GB")).toBe(1);
    expect(await countAt("&region=US")).toBe(0);
  });

  it("creates a first admin key in the data folder, owner-only, that can change the catalog", async () => {
    const file = join(dataDir, "admin-key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, "utf8").trim();
    const response = await fetch(`${outcry.apiUrl}/v1/services/spotify`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ keywords: ["spotify down", "spotify not working"] }),
    });
    expect(response.status).toBe(200);
    expect((await body(fetch(`${outcry.apiUrl}/v1/services/spotify`))).service.keywords).toContain(
      "spotify not working",
    );
  });

  it("restarts its redis-server when it dies, and keeps what was acknowledged", async () => {
    const before = redisPid();
    process.kill(before, "SIGKILL");
    await waitFor(
      () => existsSync(join(dataDir, "redis", "redis.pid")) && redisPid() !== before && isAlive(redisPid()),
      {
        timeoutMs: 15_000,
        what: "redis-server to be restarted",
      },
    );
    const accepted = await waitFor(
      async () => {
        const response = await fetch(`${outcry.apiUrl}/v1/reports`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ service: "netflix", problem: "app", region: "US" }),
        });
        return response.status === 202;
      },
      { timeoutMs: 15_000, what: "intake to heal" },
    );
    expect(accepted).toBe(true);
    // The report acknowledged before the crash is still counted (AOF, fsync always).
    const series = await body(fetch(`${outcry.apiUrl}/v1/services/spotify/series?region=GB`));
    expect(series.points.reduce((sum: number, point: { count: number }) => sum + point.count, 0)).toBe(1);
  });

  // A second quickstart on the same folder once took the first's redis-server for a leftover and
  // killed it (found by the series benchmark, which started two).
  it("refuses a second outcry on its data folder, leaving its redis-server alone", async () => {
    const pid = redisPid();
    const second = await OutcryProcess.run(["start"], { DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.output).toContain(`belongs to another outcry that is running (pid ${outcry.process.pid})`);
    expect(second.output).toContain("REDIS_URL");
    expect(redisPid()).toBe(pid);
    expect(isAlive(pid)).toBe(true);
    expect((await fetch(`${outcry.apiUrl}/readyz`)).status).toBe(200);
  });

  it("stops cleanly on SIGTERM and takes its redis-server with it", async () => {
    const pid = redisPid();
    expect(await outcry.stop("SIGTERM")).toBe(0);
    expect(outcry.output.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
    await waitFor(() => !isAlive(pid), { timeoutMs: 5_000, what: "redis-server to stop" });
    expect(existsSync(join(dataDir, "redis", "owner.pid"))).toBe(false);
  });
});

describe("outcry start without redis-server", () => {
  it("exits with a message that says how to get one", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "outcry-noredis-"));
    const { code, output } = await OutcryProcess.run(["start"], {
      DATA_DIR: dataDir,
      REDIS_SERVER_BIN: "/nonexistent/redis-server",
    });
    rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(output).toContain("redis-server was not found");
    expect(output).toContain("apt-get install redis-server");
    expect(output).toContain("REDIS_URL");
  });

  it("exits with a clear message when its port is taken", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "outcry-port-"));
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const { code, output } = await OutcryProcess.run(["start"], {
      DATA_DIR: dataDir,
      PORT: String(port),
      DATABASE_URL: "",
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix("port"),
    });
    blocker.close();
    rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(output).toContain(`port ${port} on 127.0.0.1 is already in use; set PORT`);
  });

  it("exits with every configuration problem listed", async () => {
    const { code, output } = await OutcryProcess.run(["start"], { PORT: "x", DATABASE_URL: "mysql://db" });
    expect(code).toBe(1);
    expect(output).toContain("PORT");
    expect(output).toContain("DATABASE_URL");
  });
});
